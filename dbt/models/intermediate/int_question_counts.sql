-- Inspection x scoring question: how many cases answered, were relevant, were sufficient.
-- Built over every question of the catalogue the inspection's methodology scores, so a question that no case could
-- answer still appears (with n_relevant = 0) instead of silently vanishing.
with

inspections as (
    select inspection_id, methodology_id, catalogue_id
    from {{ ref('int_inspection_methodologies') }}
),

questions as (
    select question_id, methodology_id as catalogue_id, criterion_code
    from {{ ref('questions') }}
),

answers as (
    select inspection_id, question_id, answer
    from {{ ref('stg_inspection__answers') }}
),

answer_values as (
    select answer, is_relevant, is_sufficient
    from {{ ref('answer_values') }}
),

catalogue as (
    select
        inspections.inspection_id,
        inspections.methodology_id,
        questions.question_id,
        questions.criterion_code
    from inspections
    inner join questions on questions.catalogue_id = inspections.catalogue_id
),

counted as (
    select
        answers.inspection_id,
        answers.question_id,
        count(*) as n_answers,
        count(*) filter (where answer_values.is_relevant) as n_relevant,
        count(*) filter (where answer_values.is_sufficient) as n_sufficient
    from answers
    inner join answer_values on answer_values.answer = answers.answer
    group by answers.inspection_id, answers.question_id
)

select
    catalogue.inspection_id,
    catalogue.question_id,
    catalogue.criterion_code,
    catalogue.methodology_id,
    coalesce(counted.n_answers, 0) as n_answers,
    coalesce(counted.n_answers, 0) - coalesce(counted.n_relevant, 0) as n_not_applicable,
    coalesce(counted.n_relevant, 0) as n_relevant,
    coalesce(counted.n_sufficient, 0) as n_sufficient
from catalogue
left join counted
    on counted.inspection_id = catalogue.inspection_id
    and counted.question_id = catalogue.question_id
