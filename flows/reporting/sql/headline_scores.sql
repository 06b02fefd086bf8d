-- Outcome scores of each area of a group with their 95% intervals (exact 0-1 fractions), and the
-- group's pooled score.
-- parameters: group_id
select i.group_id, s.inspection_id, i.area, i.position_in_group, s.n_cases, s.outcome_code, s.outcome_name, s.score_pct,
       s.ci_low, s.ci_high, s.rating, g.pooled_score_pct as group_pooled_score_pct, s.methodology, s.publication_id
from marts.fct_outcome_scores s
join marts.dim_inspection i using (inspection_id)
join marts.fct_group_outcome_scores g on g.group_id = i.group_id and g.outcome_code = s.outcome_code
where i.group_id = ?
order by s.outcome_code, i.position_in_group
