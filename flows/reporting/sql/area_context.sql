-- Each area of a group's context figures beside England and Wales.
-- parameters: group_id
select inspection_id, area, measure, measure_label, unit, geography, value, period, national_geography, national_value,
       difference_from_national, source
from marts.dim_area_context
where inspection_id in (select inspection_id from marts.dim_inspection where group_id = ?)
order by measure, area
