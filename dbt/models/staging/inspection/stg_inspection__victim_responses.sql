select
    inspection_id,
    respondent_key,
    question_id,
    answer
from {{ source('inspection', 'victim_responses') }}
