-- Survey x area x question x option, zeros included: every option of the catalogue gets a cell,
-- so that disclosure control sees the whole question (an option nobody chose is a cell too).
with responses as (
    select * from {{ ref('stg_survey__responses') }}
),

surveys as (
    select * from {{ ref('stg_survey__surveys') }}
),

question_options as (
    {{ answer_options(ref('survey_questions'), answer_type='answer_type') }}
),

area_respondents as (
    select survey_id, area, count(distinct response_key) as n_respondents
    from responses
    group by survey_id, area
),

option_counts as (
    select survey_id, area, question_id, answer_option, count(distinct response_key) as n_option
    from responses
    group by survey_id, area, question_id, answer_option
)

select
    area_respondents.survey_id,
    surveys.survey_year,
    area_respondents.area,
    question_options.question_id,
    question_options.answer_type,
    question_options.answer_option,
    question_options.option_order,
    area_respondents.n_respondents,
    coalesce(option_counts.n_option, 0) as n_option
from area_respondents
inner join surveys on surveys.survey_id = area_respondents.survey_id
cross join question_options
left join option_counts
    on option_counts.survey_id = area_respondents.survey_id
    and option_counts.area = area_respondents.area
    and option_counts.question_id = question_options.question_id
    and option_counts.answer_option = question_options.answer_option
