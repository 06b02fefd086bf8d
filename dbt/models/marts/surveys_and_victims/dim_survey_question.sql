select
    question_id,
    section,
    question_text,
    answer_type,
    replace(answer_options, '|', ', ') as answer_options
from {{ ref('survey_questions') }}
