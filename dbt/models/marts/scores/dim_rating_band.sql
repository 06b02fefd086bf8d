-- The bands of each rating scale, on the published whole-number percentage.
select
    rating_scale,
    rating,
    rating_points,
    min_pct,
    max_pct
from {{ ref('rating_bands') }}
