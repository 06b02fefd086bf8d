-- The victim questionnaire's items.
select question_id, question_text
from marts.dim_victim_question
