-- The group's pooled score per outcome, with the mean, lowest and highest area score (0-1 fractions).
-- parameters: group_id
select group_id, outcome_code, outcome_name, n_inspections, n_inspections_scored, pooled_score_pct, pooled_rating,
       mean_score, min_score, max_score, n_areas_outside_95, n_areas_outside_998, is_complete, methodology
from marts.fct_group_outcome_scores
where group_id = ?
order by outcome_code
