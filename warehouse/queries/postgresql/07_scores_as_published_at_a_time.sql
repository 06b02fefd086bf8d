-- PostgreSQL version (the serving database). The outcome scores exactly as they were published at a given time (here: now), with their
-- 95% intervals. Change the timestamp to see an earlier state.
select
    inspection_id,
    outcome_code,
    score_pct,
    round((100 * ci_low)::numeric, 1) as ci_low_pct,
    round((100 * ci_high)::numeric, 1) as ci_high_pct,
    published_at,
    superseded_at
from marts.fct_outcome_scores_history
where published_at <= current_timestamp
  and (superseded_at is null or superseded_at > current_timestamp)
order by inspection_id, outcome_code;
