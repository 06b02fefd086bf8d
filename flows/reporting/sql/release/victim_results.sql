-- Victim questionnaire results by inspection and pooled by group, after disclosure control.
select v.results_level, coalesce(v.inspection_id, v.group_id) as unit_id, v.inspection_id, v.group_id,
       v.n_inspections_pooled, v.question_id, v.answer_option, v.option_order, v.n_respondents, v.n_option, v.share,
       v.suppressed, v.suppression_reason, coalesce(g.is_complete, true) as is_complete
from marts.fct_victim_results v
left join (select distinct group_id, is_complete from marts.fct_group_outcome_scores) g using (group_id)
order by v.results_level, unit_id, v.question_id, v.option_order
