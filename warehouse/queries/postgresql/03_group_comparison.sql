-- PostgreSQL version (the serving database). Each area against its group: outcome score and the group's mean, range and pooled score.
select i.group_id, i.area, s.outcome_code, s.score_pct,
       round((100 * g.mean_score)::numeric, 1) as group_mean_pct,
       round((100 * g.min_score)::numeric) as group_min_pct, round((100 * g.max_score)::numeric) as group_max_pct,
       g.pooled_score_pct, g.n_inspections
from marts.fct_outcome_scores as s
join marts.dim_inspection as i using (inspection_id)
join marts.fct_group_outcome_scores as g on g.group_id = i.group_id and g.outcome_code = s.outcome_code
order by i.group_id, s.outcome_code, s.score desc;
