-- Outcome score = unweighted mean of the scores of the questions that count toward the outcome
-- (bridge_question_outcome); questions without a score are left out. Published percentage =
-- score x 100 rounded half up on the exact value. Every inspection gets all five outcomes; an
-- outcome none of whose questions had a relevant case has a null score and n_questions = 0.
with

question_scores as (
    select * from {{ ref('fct_question_scores') }}
),

bridge as (
    select question_id, outcome_code from {{ ref('bridge_question_outcome') }}
),

inspection_outcomes as (
    select
        inspections.inspection_id,
        inspections.methodology_id,
        outcomes.outcome_code,
        outcomes.outcome_name
    from {{ ref('stg_inspection__inspections') }} as inspections
    cross join {{ ref('outcomes') }} as outcomes
),

scored as (
    select
        question_scores.inspection_id,
        bridge.outcome_code,
        count(question_scores.score) as n_questions,
        {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id') }} as score,
        {{ exact_mean_of_ratios('question_scores.n_sufficient', 'question_scores.n_relevant', 'question_scores.question_id', as_percentage=true) }} as score_pct
    from question_scores
    inner join bridge on bridge.question_id = question_scores.question_id
    group by question_scores.inspection_id, bridge.outcome_code
)

select
    inspection_outcomes.inspection_id,
    inspection_outcomes.outcome_code,
    inspection_outcomes.outcome_name,
    scored.score,
    scored.score_pct,
    coalesce(scored.n_questions, 0) as n_questions,
    inspection_outcomes.methodology_id as methodology
from inspection_outcomes
left join scored
    on scored.inspection_id = inspection_outcomes.inspection_id
    and scored.outcome_code = inspection_outcomes.outcome_code
