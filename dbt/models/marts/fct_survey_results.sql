-- Offender survey results by area, under disclosure control: a withheld cell keeps its row
-- (suppressed = true, with the reason) and loses its count and share.
with counts as (
    select * from {{ ref('int_survey_option_counts') }}
),

controlled as (
    select * from {{ ref('int_disclosure_controlled_cells') }}
    where result_set = 'offender_survey'
)

select
    counts.survey_id,
    counts.survey_year,
    counts.area,
    counts.question_id,
    counts.answer_option,
    counts.option_order,
    counts.answer_type,
    case when counts.n_respondents >= controlled.disclosure_threshold then counts.n_respondents end as n_respondents,
    case when controlled.suppression_reason is null then counts.n_option end as n_option,
    case when controlled.suppression_reason is null then counts.n_option / counts.n_respondents end as share,
    controlled.suppression_reason is not null as suppressed,
    controlled.suppression_reason,
    controlled.disclosure_threshold
from counts
inner join controlled
    on controlled.unit_id = counts.survey_id || ' / ' || counts.area
    and controlled.question_id = counts.question_id
    and controlled.answer_option = counts.answer_option
