-- Criterion score = mean of its questions' scores, questions without a score left out.
-- Exact: the mean is computed on the counts as fractions (macros/exact_mean_of_ratios.sql).
-- Under a banded methodology the criterion is a rated standard: rating_basis_pct applies the
-- methodology's rule to the criterion's key questions and rating is its band.
with

question_scores as (
    select * from {{ ref('fct_question_scores') }}
),

criteria as (
    select criterion_code, outcome_code from {{ ref('criteria') }}
),

inspections as (
    select inspection_id, score_rule, rating_scale from {{ ref('int_inspection_methodologies') }}
),

key_questions as (
    select methodology_id, question_id from {{ ref('key_questions') }}
),

scored as (
    select
        question_scores.inspection_id,
        question_scores.criterion_code,
        criteria.outcome_code,
        any_value(question_scores.methodology) as methodology,
        any_value(inspections.rating_scale) as rating_scale,
        count(*) filter (where question_scores.n_relevant > 0) as n_questions,
        {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score,
        {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_pct,
        {{ exact_ratio_statistic('any_value(inspections.score_rule)', 'question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true, filter='key_questions.question_id is not null') }} as key_question_pct
    from question_scores
    inner join criteria on criteria.criterion_code = question_scores.criterion_code
    inner join inspections on inspections.inspection_id = question_scores.inspection_id
    left join key_questions
        on key_questions.methodology_id = question_scores.methodology
        and key_questions.question_id = question_scores.question_id
    group by question_scores.inspection_id, question_scores.criterion_code, criteria.outcome_code
)

select
    inspection_id,
    criterion_code,
    outcome_code,
    methodology,
    n_questions,
    score,
    score_pct,
    case when rating_scale is not null then key_question_pct end as rating_basis_pct,
    {{ rating_for('rating_scale', 'key_question_pct') }} as rating
from scored
