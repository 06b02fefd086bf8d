-- Every group with a published inspection.
select distinct group_id
from marts.dim_inspection
order by group_id
