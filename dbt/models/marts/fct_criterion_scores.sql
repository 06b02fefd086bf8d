-- Criterion score = mean of its questions' scores, questions without a score left out.
-- Exact: iaow_mean_ratio works on the counts as fractions (flows/scoring.py).
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
    iaow_mean_ratio(
        list(question_scores.n_sufficient order by question_scores.question_id),
        list(question_scores.n_relevant order by question_scores.question_id)
    ) as score,
    iaow_mean_ratio_pct(
        list(question_scores.n_sufficient order by question_scores.question_id),
        list(question_scores.n_relevant order by question_scores.question_id)
    ) as score_pct
from question_scores
inner join criteria on criteria.criterion_code = question_scores.criterion_code
group by question_scores.inspection_id, question_scores.criterion_code, criteria.outcome_code
