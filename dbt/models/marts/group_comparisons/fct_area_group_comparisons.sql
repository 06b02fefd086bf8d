-- Inspection x outcome: the area beside the rest of its group (the group's other published
-- inspections). The target is the rest of the group's pooled score (their cases pooled per
-- question, then the methodology's rule, as for the group's pooled score). Funnel limits are
-- target +/- z x null_score_se, where null_score_se is the spread of the score of a sample the
-- size of the area's drawn from the rest of the group's cases (int_outcome_bootstrap), so the
-- limits widen for small samples and allow for answers within a case being correlated.
-- z = 1.959964 (95%) and 3.090232 (99.8%). No comparison for the first area of a group.
{% set z_95 = 1.959963984540054 %}
{% set z_998 = 3.090232306167813 %}
with

inspections as (
    select inspection_id, group_id, methodology_id, score_rule, area
    from {{ ref('int_inspection_methodologies') }}
),

group_sizes as (
    select group_id, count(*) as n_inspections from inspections group by group_id
),

outcome_questions as (
    select methodology_id, outcome_code, question_id
    from {{ ref('int_methodology_outcome_questions') }}
    where counts_toward_score
),

-- each area's counts, and the rest of its group's (the group's pooled counts minus its own)
rest_questions as (
    select
        inspections.inspection_id,
        own.question_id,
        group_questions.n_sufficient - own.n_sufficient as n_sufficient,
        group_questions.n_relevant - own.n_relevant as n_relevant
    from {{ ref('fct_question_scores') }} as own
    inner join inspections on inspections.inspection_id = own.inspection_id
    inner join {{ ref('fct_group_question_scores') }} as group_questions
        on group_questions.group_id = inspections.group_id
        and group_questions.question_id = own.question_id
),

rest_scores as (
    select
        rest_questions.inspection_id,
        outcome_questions.outcome_code,
        {{ exact_ratio_statistic('any_value(inspections.score_rule)', 'rest_questions.n_sufficient', 'rest_questions.n_relevant', 'rest_questions.question_id') }} as rest_of_group_score,
        {{ exact_ratio_statistic('any_value(inspections.score_rule)', 'rest_questions.n_sufficient', 'rest_questions.n_relevant', 'rest_questions.question_id', as_percentage=true) }} as rest_of_group_score_pct
    from rest_questions
    inner join inspections on inspections.inspection_id = rest_questions.inspection_id
    inner join outcome_questions
        on outcome_questions.methodology_id = inspections.methodology_id
        and outcome_questions.question_id = rest_questions.question_id
    group by rest_questions.inspection_id, outcome_questions.outcome_code
),

compared as (
    select
        inspections.group_id,
        outcome_scores.inspection_id,
        inspections.area,
        outcome_scores.outcome_code,
        outcome_scores.outcome_name,
        outcome_scores.methodology,
        outcome_scores.n_cases,
        outcome_scores.score,
        outcome_scores.score_pct,
        group_sizes.n_inspections - 1 as rest_of_group_n_inspections,
        case when group_sizes.n_inspections > 1 then rest_scores.rest_of_group_score end as target,
        case when group_sizes.n_inspections > 1 then rest_scores.rest_of_group_score_pct end as target_pct,
        bootstrap.null_score_se
    from {{ ref('fct_outcome_scores') }} as outcome_scores
    inner join inspections on inspections.inspection_id = outcome_scores.inspection_id
    inner join group_sizes on group_sizes.group_id = inspections.group_id
    left join rest_scores
        on rest_scores.inspection_id = outcome_scores.inspection_id
        and rest_scores.outcome_code = outcome_scores.outcome_code
    left join {{ ref('int_outcome_bootstrap') }} as bootstrap
        on bootstrap.inspection_id = outcome_scores.inspection_id
        and bootstrap.outcome_code = outcome_scores.outcome_code
),

limits as (
    -- greatest/least skip nulls in DuckDB, so a missing target must be kept null explicitly
    select
        *,
        score - target as difference,
        case when target is not null and null_score_se is not null then greatest(0.0, target - {{ z_95 }} * null_score_se) end as lower_95,
        case when target is not null and null_score_se is not null then least(1.0, target + {{ z_95 }} * null_score_se) end as upper_95,
        case when target is not null and null_score_se is not null then greatest(0.0, target - {{ z_998 }} * null_score_se) end as lower_998,
        case when target is not null and null_score_se is not null then least(1.0, target + {{ z_998 }} * null_score_se) end as upper_998
    from compared
)

select
    group_id,
    inspection_id,
    area,
    outcome_code,
    outcome_name,
    methodology,
    n_cases,
    score,
    score_pct,
    rest_of_group_n_inspections,
    target as rest_of_group_score,
    target_pct as rest_of_group_score_pct,
    difference,
    null_score_se,
    lower_95,
    upper_95,
    lower_998,
    upper_998,
    score is not null and lower_95 is not null and (score < lower_95 or score > upper_95) as is_outside_95,
    score is not null and lower_998 is not null and (score < lower_998 or score > upper_998) as is_outside_998,
    case
        when score is null or lower_95 is null then null
        when score > upper_998 then 'above 99.8% limit'
        when score > upper_95 then 'above 95% limit'
        when score < lower_998 then 'below 99.8% limit'
        when score < lower_95 then 'below 95% limit'
        else 'within limits'
    end as funnel_position
from limits
