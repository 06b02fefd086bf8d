-- The group's published inspections, in their order in the group.
-- parameters: group_id
select inspection_id, area, position_in_group, n_cases, is_synthetic, methodology, group_theme, fieldwork_start, published_at
from marts.dim_inspection
where group_id = ?
order by position_in_group
