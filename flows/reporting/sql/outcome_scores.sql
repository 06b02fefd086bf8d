-- An inspection's outcome scores with their 95% intervals (0-1 fractions), its comparison with the
-- rest of its group and the group's pooled score.
-- parameters: group_id, inspection_id
select s.outcome_code, s.outcome_name, s.score_pct, s.ci_low, s.ci_high, s.rating, c.rest_of_group_score_pct,
       c.difference, c.funnel_position, g.pooled_score_pct as group_pooled_score_pct
from marts.fct_outcome_scores s
left join marts.fct_area_group_comparisons c using (inspection_id, outcome_code)
left join marts.fct_group_outcome_scores g on g.group_id = ? and g.outcome_code = s.outcome_code
where s.inspection_id = ?
order by s.outcome_code
