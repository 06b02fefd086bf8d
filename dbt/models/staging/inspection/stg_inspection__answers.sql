select
    inspection_id,
    case_key,
    question_id,
    answer
from {{ source('inspection', 'answers') }}
