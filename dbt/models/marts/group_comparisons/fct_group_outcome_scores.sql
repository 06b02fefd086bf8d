-- Group x outcome. mean/min/max are over the areas' outcome scores; pooled_score pools
-- each question's counts over all the group's cases first (fct_group_question_scores), then
-- applies the group's methodology rule as for one inspection (under iaow-2013: the mean of the
-- pooled question scores). Groups in progress show the inspections published so far; a group is
-- complete once group_size() of them (the programme constant) are published.
with

inspections as (
    select inspection_id, group_id, methodology_id, score_rule, rating_scale, group_theme, fieldwork_start
    from {{ ref('int_inspection_methodologies') }}
),

groups as (
    select
        group_id,
        any_value(group_theme) as group_theme,
        -- one methodology per group (the landing checks refuse a second one)
        any_value(methodology_id) as methodology_id,
        any_value(score_rule) as score_rule,
        any_value(rating_scale) as rating_scale,
        count(*) as n_inspections,
        min(fieldwork_start) as first_fieldwork_start,
        max(fieldwork_start) as last_fieldwork_start
    from inspections
    group by group_id
),

area_scores as (
    select
        inspections.group_id,
        outcome_scores.outcome_code,
        any_value(outcome_scores.outcome_name) as outcome_name,
        count(outcome_scores.score) as n_inspections_scored,
        -- in a fixed order: a sum of doubles depends on the order of its terms, and a parallel
        -- aggregate's order depends on how the rows arrived (one publication or thirteen)
        avg(outcome_scores.score order by outcome_scores.inspection_id) as mean_score,
        min(outcome_scores.score) as min_score,
        max(outcome_scores.score) as max_score
    from {{ ref('fct_outcome_scores') }} as outcome_scores
    inner join inspections on inspections.inspection_id = outcome_scores.inspection_id
    group by inspections.group_id, outcome_scores.outcome_code
),

outcome_questions as (
    select methodology_id, outcome_code, question_id
    from {{ ref('int_methodology_outcome_questions') }}
    where counts_toward_score
),

pooled as (
    select
        group_questions.group_id,
        outcome_questions.outcome_code,
        {{ exact_ratio_statistic('any_value(groups.score_rule)', 'group_questions.n_sufficient', 'group_questions.n_relevant', 'group_questions.question_id') }} as pooled_score,
        {{ exact_ratio_statistic('any_value(groups.score_rule)', 'group_questions.n_sufficient', 'group_questions.n_relevant', 'group_questions.question_id', as_percentage=true) }} as pooled_score_pct
    from {{ ref('fct_group_question_scores') }} as group_questions
    inner join groups on groups.group_id = group_questions.group_id
    inner join outcome_questions
        on outcome_questions.methodology_id = groups.methodology_id
        and outcome_questions.question_id = group_questions.question_id
    group by group_questions.group_id, outcome_questions.outcome_code
),

flagged as (
    select
        group_id,
        outcome_code,
        count(*) filter (where is_outside_95) as n_areas_outside_95,
        count(*) filter (where is_outside_998) as n_areas_outside_998
    from {{ ref('fct_area_group_comparisons') }}
    group by group_id, outcome_code
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
    pooled.pooled_score_pct,
    groups.methodology_id as methodology,
    groups.n_inspections = {{ group_size() }} as is_complete,
    groups.first_fieldwork_start,
    groups.last_fieldwork_start,
    case when groups.rating_scale is not null
         then {{ rating_for('groups.rating_scale', 'pooled.pooled_score_pct') }} end as pooled_rating,
    coalesce(flagged.n_areas_outside_95, 0) as n_areas_outside_95,
    coalesce(flagged.n_areas_outside_998, 0) as n_areas_outside_998
from area_scores
inner join groups on groups.group_id = area_scores.group_id
left join pooled
    on pooled.group_id = area_scores.group_id
    and pooled.outcome_code = area_scores.outcome_code
left join flagged
    on flagged.group_id = area_scores.group_id
    and flagged.outcome_code = area_scores.outcome_code
