select
    question_id,
    question_text,
    replace(answer_options, '|', ', ') || ', blank' as answer_options
from {{ ref('victim_questions') }}
