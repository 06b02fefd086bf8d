-- The area's own figure for each context measure beside the national comparator. The area's
-- figure is the one given for the area's probation trust ("Hampshire Probation Trust") or, failing
-- that, for the geography named like the area ("Hampshire"); the national one is England and
-- Wales (or any geography the geographies seed marks national). Where a measure has several
-- periods, the last period label in text order is used.
with context as (
    select * from {{ ref('stg_inspection__context') }}
),

inspections as (
    select inspection_id, area from {{ ref('stg_inspection__inspections') }}
),

national_geographies as (
    select geography from {{ ref('geographies') }} where geography_type = 'national'
),

area_figures as (
    select
        context.*,
        row_number() over (
            partition by context.inspection_id, context.measure
            order by context.geography = inspections.area || ' Probation Trust' desc, context.period desc
        ) as preference
    from context
    inner join inspections on inspections.inspection_id = context.inspection_id
    where context.geography in (inspections.area, inspections.area || ' Probation Trust')
),

national_figures as (
    select
        context.*,
        row_number() over (
            partition by context.inspection_id, context.measure
            order by context.geography = 'England and Wales' desc, context.period desc
        ) as preference
    from context
    inner join national_geographies on national_geographies.geography = context.geography
),

measures_given as (
    select inspection_id, measure from area_figures
    union
    select inspection_id, measure from national_figures
)

select
    measures_given.inspection_id,
    inspections.area,
    measures_given.measure,
    measures.label as measure_label,
    measures.unit,
    area_figures.geography,
    area_figures.value,
    area_figures.period,
    area_figures.source_label as source,
    national_figures.geography as national_geography,
    national_figures.value as national_value,
    national_figures.period as national_period,
    national_figures.source_label as national_source,
    -- rounded: the figures are decimals stored as doubles, and 6.9 - 19.7 is not -12.8 in binary
    round(area_figures.value - national_figures.value, 6) as difference_from_national
from measures_given
inner join inspections on inspections.inspection_id = measures_given.inspection_id
inner join {{ ref('context_measures') }} as measures on measures.measure = measures_given.measure
left join area_figures
    on area_figures.inspection_id = measures_given.inspection_id
    and area_figures.measure = measures_given.measure
    and area_figures.preference = 1
left join national_figures
    on national_figures.inspection_id = measures_given.inspection_id
    and national_figures.measure = measures_given.measure
    and national_figures.preference = 1
