-- The groups with an inspection in one publication (none for a survey's publication).
-- parameters: publication_id
select distinct group_id
from marts.dim_inspection
where publication_id = ?
order by group_id
