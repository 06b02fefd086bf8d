-- One published inspection, with how many of its group's inspections are published.
-- parameters: inspection_id
select area, group_id, group_theme, position_in_group, fieldwork_start, n_cases, methodology, published_at, is_synthetic,
       (select count(*) from marts.dim_inspection g where g.group_id = i.group_id) as group_n_inspections
from marts.dim_inspection i
where inspection_id = ?
