-- One inspection's question scores with numerators and denominators, weakest first.
select q.criterion_code, s.question_id, q.question_text, s.n_sufficient, s.n_relevant, s.n_not_applicable, s.score_pct
from marts.fct_question_scores as s
join marts.dim_question as q using (question_id)
where s.inspection_id = 'hampshire-2013' and s.n_relevant > 0
order by s.score, s.question_id;
