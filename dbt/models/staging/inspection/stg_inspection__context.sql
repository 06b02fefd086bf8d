select
    inspection_id,
    geography,
    measure,
    value::double as value,
    period,
    source as source_label
from {{ source('inspection', 'context') }}
