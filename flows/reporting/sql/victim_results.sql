-- Victim questionnaire results of a group's inspections and of its pool, after disclosure control.
-- parameters: group_id
select v.results_level, v.inspection_id, i.area, v.group_id, v.n_inspections_pooled, v.question_id, v.answer_option,
       v.option_order, v.n_respondents, v.n_option, v.share, v.suppressed, v.suppression_reason, v.disclosure_threshold
from marts.fct_victim_results v
left join marts.dim_inspection i using (inspection_id)
where v.group_id = ?
order by v.question_id, v.results_level, i.position_in_group, v.option_order
