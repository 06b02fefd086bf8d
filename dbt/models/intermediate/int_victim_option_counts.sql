-- Victim questionnaire counts at the two levels results may be published at:
--   inspection: each inspection's own respondents;
--   group_pool: the respondents of the inspections in a complete group (all group_size() of its
--     inspections published) whose own count is below the disclosure threshold, pooled. Only the
--     small areas are pooled (never a total that includes areas published on their own, which
--     would give the small ones away by subtraction) and only once the group is complete (a pool
--     that grew with each new inspection would give away each newcomer the same way).
with answers as (
    select inspection_id, respondent_key, question_id, coalesce(answer, 'blank') as answer_option
    from {{ ref('stg_inspection__victim_responses') }}
),

inspections as (
    select inspection_id, group_id from {{ ref('stg_inspection__inspections') }}
),

complete_groups as (
    select group_id from inspections group by group_id having count(*) = {{ group_size() }}
),

question_options as (
    {{ answer_options(ref('victim_questions'), append_blank=true) }}
),

inspection_respondents as (
    select inspection_id, count(distinct respondent_key) as n_respondents
    from answers
    group by inspection_id
),

pooled_inspections as (
    select
        inspection_respondents.inspection_id,
        inspections.group_id
    from inspection_respondents
    inner join inspections on inspections.inspection_id = inspection_respondents.inspection_id
    inner join complete_groups on complete_groups.group_id = inspections.group_id
    where inspection_respondents.n_respondents < {{ var('disclosure_threshold') }}
),

inspection_cells as (
    select
        'inspection' as results_level,
        inspection_respondents.inspection_id,
        inspections.group_id,
        1 as n_inspections_pooled,
        question_options.question_id,
        question_options.answer_option,
        question_options.option_order,
        inspection_respondents.n_respondents,
        count(answers.respondent_key) as n_option
    from inspection_respondents
    inner join inspections on inspections.inspection_id = inspection_respondents.inspection_id
    cross join question_options
    left join answers
        on answers.inspection_id = inspection_respondents.inspection_id
        and answers.question_id = question_options.question_id
        and answers.answer_option = question_options.answer_option
    group by all
),

pool_cells as (
    select
        'group_pool' as results_level,
        cast(null as varchar) as inspection_id,
        pooled_inspections.group_id,
        count(distinct pooled_inspections.inspection_id) as n_inspections_pooled,
        inspection_cells.question_id,
        inspection_cells.answer_option,
        inspection_cells.option_order,
        sum(inspection_cells.n_respondents)::bigint as n_respondents,
        sum(inspection_cells.n_option)::bigint as n_option
    from inspection_cells
    inner join pooled_inspections on pooled_inspections.inspection_id = inspection_cells.inspection_id
    group by all
)

select * from inspection_cells
union all
select * from pool_cells
