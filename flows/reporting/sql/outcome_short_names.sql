-- The outcomes' short names, for chart labels.
select outcome_code, outcome_short_name
from marts.dim_outcome
