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
    {{ disclosed_counts('controlled') }}
from counts
inner join controlled
    on controlled.unit_id = counts.survey_id || ' / ' || counts.area
    and controlled.question_id = counts.question_id
    and controlled.answer_option = counts.answer_option
