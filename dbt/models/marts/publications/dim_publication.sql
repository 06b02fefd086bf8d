select
    publication_id,
    published_at,
    inspection_id,
    return_sha256,
    reason
from {{ ref('stg_platform__publications') }}
