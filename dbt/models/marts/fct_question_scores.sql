-- Question score = n_sufficient / n_relevant; no score (null) when no case was relevant.
-- ci_low/ci_high: 95% Wilson score interval (sound at 0/n and n/n and for small n).
select
    inspection_id,
    question_id,
    criterion_code,
    methodology_id as methodology,
    n_answers,
    n_not_applicable,
    n_relevant,
    n_sufficient,
    case when n_relevant > 0 then n_sufficient::double / n_relevant end as score,
    {{ round_half_up_pct('n_sufficient', 'n_relevant') }} as score_pct,
    {{ wilson_bound('n_sufficient', 'n_relevant', 'low') }} as ci_low,
    {{ wilson_bound('n_sufficient', 'n_relevant', 'high') }} as ci_high
from {{ ref('int_question_counts') }}
