select
    survey_id,
    response_key,
    area,
    question_id,
    answer_option
from {{ source('survey', 'survey_responses') }}
