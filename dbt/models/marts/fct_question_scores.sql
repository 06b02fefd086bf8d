-- Question score = n_sufficient / n_relevant; no score (null) when no case was relevant.
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
    {{ round_half_up_pct('n_sufficient', 'n_relevant') }} as score_pct
from {{ ref('int_question_counts') }}
