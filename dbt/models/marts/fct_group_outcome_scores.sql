-- Group of six x outcome. mean/min/max are over the areas' outcome scores; pooled_score
-- sums every question's counts over all the group's cases first, then averages the pooled
-- question scores per outcome as for one inspection. Groups in progress show what they have.
with

inspections as (
    select inspection_id, group_id, group_theme from {{ ref('stg_inspection__inspections') }}
),

groups as (
    select group_id, any_value(group_theme) as group_theme, count(*) as n_inspections
    from inspections
    group by group_id
),

area_scores as (
    select
        inspections.group_id,
        outcome_scores.outcome_code,
        any_value(outcome_scores.outcome_name) as outcome_name,
        count(outcome_scores.score) as n_inspections_scored,
        avg(outcome_scores.score) as mean_score,
        min(outcome_scores.score) as min_score,
        max(outcome_scores.score) as max_score
    from {{ ref('fct_outcome_scores') }} as outcome_scores
    inner join inspections on inspections.inspection_id = outcome_scores.inspection_id
    group by inspections.group_id, outcome_scores.outcome_code
),

pooled_questions as (
    select
        inspections.group_id,
        question_scores.question_id,
        sum(question_scores.n_sufficient)::bigint as n_sufficient,
        sum(question_scores.n_relevant)::bigint as n_relevant
    from {{ ref('fct_question_scores') }} as question_scores
    inner join inspections on inspections.inspection_id = question_scores.inspection_id
    group by inspections.group_id, question_scores.question_id
),

pooled as (
    select
        pooled_questions.group_id,
        bridge.outcome_code,
        {{ exact_mean_of_ratios('pooled_questions.n_sufficient', 'pooled_questions.n_relevant', 'pooled_questions.question_id') }} as pooled_score,
        {{ exact_mean_of_ratios('pooled_questions.n_sufficient', 'pooled_questions.n_relevant', 'pooled_questions.question_id', as_percentage=true) }} as pooled_score_pct
    from pooled_questions
    inner join {{ ref('bridge_question_outcome') }} as bridge on bridge.question_id = pooled_questions.question_id
    group by pooled_questions.group_id, bridge.outcome_code
)

select
    area_scores.group_id,
    groups.group_theme,
    area_scores.outcome_code,
    area_scores.outcome_name,
    groups.n_inspections,
    area_scores.n_inspections_scored,
    area_scores.mean_score,
    area_scores.min_score,
    area_scores.max_score,
    pooled.pooled_score,
    pooled.pooled_score_pct
from area_scores
inner join groups on groups.group_id = area_scores.group_id
left join pooled
    on pooled.group_id = area_scores.group_id
    and pooled.outcome_code = area_scores.outcome_code
