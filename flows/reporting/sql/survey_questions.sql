-- The offender survey's questions.
select question_id, section, question_text, answer_type, answer_options
from marts.dim_survey_question
