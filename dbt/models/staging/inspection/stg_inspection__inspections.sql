select
    inspection_id,
    area,
    group_id,
    group_theme,
    position_in_group::integer as position_in_group,
    fieldwork_start::date as fieldwork_start,
    methodology as methodology_id,
    synthetic as is_synthetic,
    return_sha256,
    received_at,
    publication_id
from {{ source('inspection', 'inspections') }}
