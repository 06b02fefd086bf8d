select
    outcome_code,
    outcome_name,
    outcome_short_name
from {{ ref('outcomes') }}
