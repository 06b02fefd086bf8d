-- An inspection's question scores: sufficient / relevant, not applicable, the score and its Wilson
-- 95% interval (0-1 fractions).
-- parameters: inspection_id
select q.question_id, d.question_text, q.n_sufficient, q.n_relevant, q.n_not_applicable, q.score_pct, q.ci_low, q.ci_high
from marts.fct_question_scores q
join marts.dim_methodology m on m.methodology_id = q.methodology
join marts.dim_question d on d.question_id = q.question_id and d.methodology_id = m.catalogue_id  -- the catalogue it scores
where q.inspection_id = ?
