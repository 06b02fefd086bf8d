-- Question scores of a group, every area's cases pooled, with their Wilson 95% intervals.
-- parameters: group_id
select g.group_id, g.question_id, g.criterion_code, c.title as criterion_title, d.question_text, g.n_inspections,
       g.n_relevant, g.n_sufficient, g.score_pct, g.ci_low, g.ci_high
from marts.fct_group_question_scores g
join marts.dim_methodology m on m.methodology_id = g.methodology
join marts.dim_question d on d.question_id = g.question_id and d.methodology_id = m.catalogue_id  -- the catalogue it scores
join marts.dim_criterion c on c.criterion_code = g.criterion_code
where g.group_id = ?
order by g.question_id
