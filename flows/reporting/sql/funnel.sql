-- Each area of a group against the rest of its group: the difference, its standard error and the
-- funnel limits, as exact 0-1 fractions.
-- parameters: group_id
select group_id, inspection_id, area, outcome_code, outcome_name, n_cases, score_pct, rest_of_group_score_pct,
       difference, null_score_se, lower_95, upper_95, lower_998, upper_998, funnel_position
from marts.fct_area_group_comparisons
where group_id = ?
order by outcome_code, area
