with

inspections as (
    select * from {{ ref('stg_inspection__inspections') }}
),

publications as (
    select publication_id, published_at from {{ ref('stg_platform__publications') }}
),

sample_sizes as (
    select inspection_id, count(*) as n_cases
    from {{ ref('stg_inspection__cases') }}
    group by inspection_id
)

select
    inspections.inspection_id,
    inspections.area,
    inspections.group_id,
    inspections.group_theme,
    inspections.position_in_group,
    inspections.fieldwork_start,
    inspections.methodology_id as methodology,
    publications.published_at,
    inspections.publication_id,
    coalesce(sample_sizes.n_cases, 0) as n_cases,
    inspections.is_synthetic,
    inspections.return_sha256
from inspections
inner join publications on publications.publication_id = inspections.publication_id
left join sample_sizes on sample_sizes.inspection_id = inspections.inspection_id
