select
    survey_id,
    survey_year,
    synthetic as is_synthetic,
    delivery_sha256,
    received_at,
    publication_id
from {{ source('survey', 'surveys') }}
