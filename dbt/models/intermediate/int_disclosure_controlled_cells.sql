-- Disclosure control, applied once to every count the platform publishes about people's answers
-- (offender survey and victim questionnaire), with threshold T = var disclosure_threshold:
--   small_denominator: the question's respondents number fewer than T: every cell is withheld,
--                      zeros too (a 0 out of 4 says what each of the 4 answered);
--   small_count:       a count from 1 to T-1;
--   secondary:         a question left with exactly one withheld option would give it away by
--                      subtraction from the total, so its smallest published option is withheld too.
with cells as (
    select
        'offender_survey' as result_set,
        'area' as results_level,
        survey_id || ' / ' || area as unit_id,
        question_id,
        answer_option,
        option_order,
        n_respondents,
        n_option
    from {{ ref('int_survey_option_counts') }}
    union all
    select
        'victim_questionnaire' as result_set,
        results_level,
        coalesce(inspection_id, group_id) as unit_id,
        question_id,
        answer_option,
        option_order,
        n_respondents,
        n_option
    from {{ ref('int_victim_option_counts') }}
),

primary_suppression as (
    select
        *,
        case
            when n_respondents < {{ var('disclosure_threshold') }} then 'small_denominator'
            when n_option between 1 and {{ var('disclosure_threshold') }} - 1 then 'small_count'
        end as primary_reason
    from cells
),

ranked as (
    select
        *,
        count(primary_reason) over question_cells as n_primary_suppressed,
        row_number() over (
            partition by result_set, results_level, unit_id, question_id
            order by primary_reason is not null, n_option, option_order
        ) as rank_among_published
    from primary_suppression
    window question_cells as (partition by result_set, results_level, unit_id, question_id)
)

select
    result_set,
    results_level,
    unit_id,
    question_id,
    answer_option,
    option_order,
    n_respondents,
    n_option,
    coalesce(
        primary_reason,
        case when n_primary_suppressed = 1 and rank_among_published = 1 then 'secondary' end
    ) as suppression_reason,
    {{ var('disclosure_threshold') }} as disclosure_threshold
from ranked
