-- One row per group and outcome, over the group's inspections in the release.
select group_id, group_theme, outcome_code, outcome_name, methodology, n_inspections, n_inspections_scored,
       pooled_score, pooled_score_pct, pooled_rating, mean_score, min_score, max_score,
       n_areas_outside_95, n_areas_outside_998, first_fieldwork_start, last_fieldwork_start, is_complete
from marts.fct_group_outcome_scores
order by group_id, outcome_code
