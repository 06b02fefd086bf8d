-- The methodologies a group's inspections were scored under.
-- parameters: group_id
select methodology_id, name, status, score_rule, description
from marts.dim_methodology
where methodology_id in (select methodology from marts.dim_inspection where group_id = ?)
order by methodology_id
