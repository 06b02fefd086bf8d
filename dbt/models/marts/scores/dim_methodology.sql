-- The methodologies scores can be computed under, with their rules and whether they are confirmed.
select
    methodology_id,
    name,
    status,
    catalogue_id,
    score_rule,
    nullif(rating_scale, '') as rating_scale,
    min_cases,
    max_cases,
    description
from {{ ref('methodologies') }}
