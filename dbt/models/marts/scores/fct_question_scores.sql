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
    {{ proportion_columns('n_sufficient', 'n_relevant') }}
from {{ ref('int_question_counts') }}
