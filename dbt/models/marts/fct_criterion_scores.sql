-- Criterion score = mean of its questions' scores, questions without a score left out.
-- Exact: the mean is computed on the counts as fractions (macros/exact_mean_of_ratios.sql).
with

question_scores as (
    select * from {{ ref('fct_question_scores') }}
),

criteria as (
    select criterion_code, outcome_code from {{ ref('criteria') }}
)

select
    question_scores.inspection_id,
    question_scores.criterion_code,
    criteria.outcome_code,
    any_value(question_scores.methodology) as methodology,
    count(question_scores.score) as n_questions,
    {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score,
    {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_pct
from question_scores
inner join criteria on criteria.criterion_code = question_scores.criterion_code
group by question_scores.inspection_id, question_scores.criterion_code, criteria.outcome_code
