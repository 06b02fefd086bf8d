select
    publication_id,
    published_at,
    inspection_id,
    return_sha256,
    reason
from {{ source('platform', 'publications') }}
