-- Programme view: one row per group and outcome, in the order the groups were inspected,
-- so that scores can be followed over time and across themes. Where a group is scored under a
-- different methodology from the group before it, is_methodology_break is true and
-- methodology_segment moves on: scores in different segments are not comparable, and charts
-- should not join them with a line.
with

group_scores as (
    select * from {{ ref('fct_group_outcome_scores') }}
),

methodologies as (
    select methodology_id, name, status, score_rule from {{ ref('methodologies') }}
),

groups as (
    select distinct group_id, methodology, first_fieldwork_start from group_scores
),

ordered as (
    select
        group_id,
        row_number() over (order by first_fieldwork_start, group_id) as programme_position,
        lag(methodology) over (order by first_fieldwork_start, group_id) as previous_methodology,
        methodology
    from groups
),

segmented as (
    select
        group_id,
        programme_position,
        previous_methodology is not null and previous_methodology <> methodology as is_methodology_break,
        sum(case when previous_methodology is distinct from methodology then 1 else 0 end)
            over (order by programme_position rows between unbounded preceding and current row)::bigint as methodology_segment
    from ordered
)

select
    segmented.programme_position,
    group_scores.group_id,
    group_scores.group_theme,
    group_scores.first_fieldwork_start,
    group_scores.last_fieldwork_start,
    group_scores.n_inspections,
    group_scores.is_complete,
    group_scores.outcome_code,
    group_scores.outcome_name,
    group_scores.methodology,
    methodologies.status as methodology_status,
    methodologies.score_rule,
    segmented.methodology_segment,
    segmented.is_methodology_break,
    group_scores.mean_score,
    group_scores.min_score,
    group_scores.max_score,
    group_scores.pooled_score,
    group_scores.pooled_score_pct,
    group_scores.pooled_rating
from group_scores
inner join segmented on segmented.group_id = group_scores.group_id
inner join methodologies on methodologies.methodology_id = group_scores.methodology
