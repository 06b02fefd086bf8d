-- One row per inspection and question, with its numerator and denominator.
select q.inspection_id, q.question_id, q.criterion_code, q.methodology, q.n_relevant, q.n_sufficient,
       q.score, q.score_pct, q.ci_low, q.ci_high
from marts.fct_question_scores q
join marts.dim_inspection i using (inspection_id)
order by i.group_id, i.position_in_group, q.question_id
