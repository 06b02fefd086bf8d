-- Question scores of each area of a group, with their Wilson 95% intervals (0-1 fractions).
-- parameters: group_id
select i.area, q.inspection_id, q.question_id, q.criterion_code, c.title as criterion_title, d.question_text,
       q.n_relevant, q.n_sufficient, q.score_pct, q.ci_low, q.ci_high
from marts.fct_question_scores q
join marts.dim_inspection i using (inspection_id)
join marts.dim_methodology m on m.methodology_id = q.methodology
join marts.dim_question d on d.question_id = q.question_id and d.methodology_id = m.catalogue_id  -- the catalogue it scores
join marts.dim_criterion c on c.criterion_code = q.criterion_code
where i.group_id = ?
order by i.position_in_group, q.question_id
