-- Each area's context beside England and Wales.
select inspection_id, area, measure, measure_label, unit, geography, value, period, source,
       national_geography, national_value, national_period, national_source, difference_from_national
from marts.dim_area_context
order by inspection_id, measure
