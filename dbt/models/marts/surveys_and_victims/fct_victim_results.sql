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
    {{ disclosed_counts('controlled') }}
from counts
inner join controlled
    on controlled.results_level = counts.results_level
    and controlled.unit_id = coalesce(counts.inspection_id, counts.group_id)
    and controlled.question_id = counts.question_id
    and controlled.answer_option = counts.answer_option
