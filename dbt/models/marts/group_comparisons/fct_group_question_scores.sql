-- Group x scoring question: the question's counts pooled over every case of the group's
-- published inspections. The pooled group scores (fct_group_outcome_scores) average these.
with

inspections as (
    select inspection_id, group_id, methodology_id from {{ ref('int_inspection_methodologies') }}
),

pooled as (
    select
        inspections.group_id,
        question_scores.question_id,
        any_value(question_scores.criterion_code) as criterion_code,
        any_value(inspections.methodology_id) as methodology,
        count(*) as n_inspections,
        sum(question_scores.n_relevant)::bigint as n_relevant,
        sum(question_scores.n_sufficient)::bigint as n_sufficient
    from {{ ref('fct_question_scores') }} as question_scores
    inner join inspections on inspections.inspection_id = question_scores.inspection_id
    group by inspections.group_id, question_scores.question_id
)

select
    group_id,
    question_id,
    criterion_code,
    methodology,
    n_inspections,
    n_relevant,
    n_sufficient,
    {{ proportion_columns('n_sufficient', 'n_relevant') }}
from pooled
