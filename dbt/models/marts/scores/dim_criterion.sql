select
    criterion_code,
    outcome_code,
    process_row,
    process_row_name,
    title,
    evidence_source
from {{ ref('criteria') }}
