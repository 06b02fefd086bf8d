-- One row per inspection and outcome: the area beside the rest of its group, with funnel limits.
select c.group_id, c.inspection_id, c.area, c.outcome_code, c.outcome_name, c.n_cases, c.score, c.score_pct,
       c.rest_of_group_n_inspections, c.rest_of_group_score, c.rest_of_group_score_pct, c.difference,
       c.lower_95, c.upper_95, c.lower_998, c.upper_998, c.funnel_position, g.is_complete
from marts.fct_area_group_comparisons c
join (select distinct group_id, is_complete from marts.fct_group_outcome_scores) g using (group_id)
order by c.group_id, c.inspection_id, c.outcome_code
