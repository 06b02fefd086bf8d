-- Victim questionnaire results per inspection, and pooled for the small areas of a complete
-- group (results_level = group_pool, inspection_id null), under disclosure control.
with counts as (
    select * from {{ ref('int_victim_option_counts') }}
),

controlled as (
    select * from {{ ref('int_disclosure_controlled_cells') }}
    where result_set = 'victim_questionnaire'
)

select
    counts.results_level,
    counts.inspection_id,
    counts.group_id,
    counts.n_inspections_pooled::integer as n_inspections_pooled,
    counts.question_id,
    counts.answer_option,
    counts.option_order,
    case when counts.n_respondents >= controlled.disclosure_threshold then counts.n_respondents end as n_respondents,
    case when controlled.suppression_reason is null then counts.n_option end as n_option,
    case when controlled.suppression_reason is null then counts.n_option / counts.n_respondents end as share,
    controlled.suppression_reason is not null as suppressed,
    controlled.suppression_reason,
    controlled.disclosure_threshold
from counts
inner join controlled
    on controlled.results_level = counts.results_level
    and controlled.unit_id = coalesce(counts.inspection_id, counts.group_id)
    and controlled.question_id = counts.question_id
    and controlled.answer_option = counts.answer_option
