-- One row per inspection and outcome.
select o.inspection_id, i.area, i.group_id, o.outcome_code, o.outcome_name, o.methodology, o.n_cases, o.n_questions,
       o.score, o.score_pct, o.ci_low, o.ci_high, o.rating
from marts.fct_outcome_scores o
join marts.dim_inspection i using (inspection_id)
order by i.group_id, i.position_in_group, o.outcome_code
