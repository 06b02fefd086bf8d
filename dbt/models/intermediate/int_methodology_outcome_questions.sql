-- Methodology x outcome x question: the questions that make the outcome's score under each
-- methodology. mean_of_questions uses every question counting toward the outcome
-- (question_outcomes); the key-question rules use only the methodology's key questions.
with

methodologies as (
    select methodology_id, catalogue_id, score_rule from {{ ref('methodologies') }}
),

questions as (
    select question_id, methodology_id as catalogue_id, criterion_code from {{ ref('questions') }}
),

key_questions as (
    select methodology_id, question_id from {{ ref('key_questions') }}
)

select
    methodologies.methodology_id,
    question_outcomes.outcome_code,
    questions.question_id,
    questions.criterion_code,
    key_questions.question_id is not null as is_key_question,
    methodologies.score_rule = 'mean_of_questions' or key_questions.question_id is not null as counts_toward_score
from methodologies
inner join questions on questions.catalogue_id = methodologies.catalogue_id
inner join {{ ref('question_outcomes') }} as question_outcomes on question_outcomes.question_id = questions.question_id
left join key_questions
    on key_questions.methodology_id = methodologies.methodology_id
    and key_questions.question_id = questions.question_id
