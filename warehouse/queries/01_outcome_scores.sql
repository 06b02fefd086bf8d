-- Published outcome scores of every inspection, as the reports' summary table shows them.
select i.group_id, i.position_in_group, i.area, s.outcome_code, s.outcome_name, s.score_pct
from marts.fct_outcome_scores as s
join marts.dim_inspection as i using (inspection_id)
order by i.group_id, i.position_in_group, s.outcome_code;
