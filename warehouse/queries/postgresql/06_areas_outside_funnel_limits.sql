-- PostgreSQL version (the serving database). Areas whose outcome score lies outside the funnel limits around the rest of their group
-- (95%: worth a look; 99.8%: a strong signal). Percentages and percentage points.
select
    group_id,
    area,
    outcome_name,
    score_pct,
    rest_of_group_score_pct,
    round((100 * difference)::numeric, 1) as difference_pp,
    round((100 * lower_95)::numeric, 1) as lower_95_pct,
    round((100 * upper_95)::numeric, 1) as upper_95_pct,
    funnel_position
from marts.fct_area_group_comparisons
where is_outside_95
order by group_id, outcome_code, difference;
