select
    inspection_id,
    case_key,
    case_row,
    case_type,
    gender,
    ethnicity,
    rosh,
    principal_offence as principal_offence_code
from {{ source('inspection', 'cases') }}
