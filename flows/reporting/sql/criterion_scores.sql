-- An inspection's criterion scores.
-- parameters: inspection_id
select s.criterion_code, c.title, s.outcome_code, s.n_questions, s.score_pct, s.rating
from marts.fct_criterion_scores s
join marts.dim_criterion c using (criterion_code)
where s.inspection_id = ?
