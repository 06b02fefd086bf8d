-- No national totals here: a total beside the published areas would give away, by subtraction,
-- the respondent count of an area too small to publish.
select
    surveys.survey_id,
    surveys.survey_year,
    surveys.is_synthetic,
    publications.published_at,
    count(distinct responses.area)::integer as n_areas,
    surveys.delivery_sha256,
    surveys.publication_id
from {{ ref('stg_survey__surveys') }} as surveys
inner join {{ ref('stg_platform__publications') }} as publications
    on publications.publication_id = surveys.publication_id
left join {{ ref('stg_survey__responses') }} as responses
    on responses.survey_id = surveys.survey_id
group by all
