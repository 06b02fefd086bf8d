-- PostgreSQL version (the serving database). Questions that count toward more than one outcome (victim work also counts for Protecting the public).
select b.question_id, q.question_text, string_agg(b.outcome_code::text, ', ' order by b.outcome_code) as outcomes
from marts.bridge_question_outcome as b
join marts.dim_question as q using (question_id)
group by b.question_id, q.question_text
having count(*) > 1
order by b.question_id;
