-- Inspection x outcome: the published scores. `score` follows the methodology's score_rule:
-- under iaow-2013 (mean_of_questions) it is the unweighted mean of the scores of the questions
-- that count toward the outcome, questions without a relevant case left out; the banded
-- methodologies take the lowest (or the mean) of the outcome's key questions and band it.
-- Published percentage = score x 100 rounded half up on the exact value. Two diagnostic readings
-- of the same questions sit beside it: the mean of criterion means, and the pooled proportion
-- of relevant answers. Every inspection gets all five outcomes; an outcome none of whose
-- questions had a relevant case has a null score and n_questions = 0.
with

inspections as (
    select inspection_id, methodology_id, score_rule, rating_scale, publication_id
    from {{ ref('int_inspection_methodologies') }}
),

publications as (
    select publication_id, published_at from {{ ref('stg_platform__publications') }}
),

question_scores as (
    select * from {{ ref('fct_question_scores') }}
),

outcome_questions as (
    select methodology_id, outcome_code, question_id, criterion_code
    from {{ ref('int_methodology_outcome_questions') }}
    where counts_toward_score
),

sample_sizes as (
    select inspection_id, count(*) as n_cases from {{ ref('stg_inspection__cases') }} group by inspection_id
),

inspection_outcomes as (
    select inspections.*, outcomes.outcome_code, outcomes.outcome_name
    from inspections
    cross join {{ ref('outcomes') }} as outcomes
),

scored as (
    select
        question_scores.inspection_id,
        outcome_questions.outcome_code,
        count(*) filter (where question_scores.n_relevant > 0) as n_questions,
        {{ exact_ratio_statistic('any_value(inspections.score_rule)', 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score,
        {{ exact_ratio_statistic('any_value(inspections.score_rule)', 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_pct,
        {{ exact_mean_of_group_means('outcome_questions.criterion_code', 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score_by_criterion,
        {{ exact_mean_of_group_means('outcome_questions.criterion_code', 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_by_criterion_pct,
        {{ exact_ratio_statistic("'pooled_cases'", 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score_pooled_cases,
        {{ exact_ratio_statistic("'pooled_cases'", 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_pooled_cases_pct,
        sum(question_scores.n_sufficient)::bigint as n_sufficient_pooled,
        sum(question_scores.n_relevant)::bigint as n_relevant_pooled
    from question_scores
    inner join inspections on inspections.inspection_id = question_scores.inspection_id
    inner join outcome_questions
        on outcome_questions.methodology_id = inspections.methodology_id
        and outcome_questions.question_id = question_scores.question_id
    group by question_scores.inspection_id, outcome_questions.outcome_code
),

bootstrap as (
    select * from {{ ref('int_outcome_bootstrap') }}
)

select
    inspection_outcomes.inspection_id,
    inspection_outcomes.outcome_code,
    inspection_outcomes.outcome_name,
    scored.score,
    scored.score_pct,
    coalesce(scored.n_questions, 0) as n_questions,
    inspection_outcomes.methodology_id as methodology,
    inspection_outcomes.score_rule,
    case when inspection_outcomes.rating_scale is not null
         then {{ rating_for('inspection_outcomes.rating_scale', 'scored.score_pct') }} end as rating,
    case when inspection_outcomes.rating_scale is not null
         then {{ rating_for('inspection_outcomes.rating_scale', 'scored.score_pct', 'rating_points') }} end as rating_points,
    bootstrap.ci_low,
    bootstrap.ci_high,
    bootstrap.score_se,
    coalesce(bootstrap.ci_resamples, 0)::bigint as ci_resamples,
    coalesce(sample_sizes.n_cases, 0) as n_cases,
    scored.score_by_criterion,
    scored.score_by_criterion_pct,
    scored.score_pooled_cases,
    scored.score_pooled_cases_pct,
    coalesce(scored.n_sufficient_pooled, 0) as n_sufficient_pooled,
    coalesce(scored.n_relevant_pooled, 0) as n_relevant_pooled,
    inspection_outcomes.publication_id,
    publications.published_at
from inspection_outcomes
inner join publications on publications.publication_id = inspection_outcomes.publication_id
left join scored
    on scored.inspection_id = inspection_outcomes.inspection_id
    and scored.outcome_code = inspection_outcomes.outcome_code
left join bootstrap
    on bootstrap.inspection_id = inspection_outcomes.inspection_id
    and bootstrap.outcome_code = inspection_outcomes.outcome_code
left join sample_sizes on sample_sizes.inspection_id = inspection_outcomes.inspection_id
