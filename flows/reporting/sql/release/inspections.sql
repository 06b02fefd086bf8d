-- The inspections in the release (those past their embargo: the scope build holds no other).
select inspection_id, area, group_id, group_theme, position_in_group, fieldwork_start, methodology, n_cases
from marts.dim_inspection
order by group_id, position_in_group
