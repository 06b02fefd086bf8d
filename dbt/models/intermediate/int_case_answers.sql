-- Case x scoring question, as flags, with the case's row in the return: what the case-level
-- bootstrap resamples (int_outcome_bootstrap).
select
    answers.inspection_id,
    cases.case_row,
    answers.case_key,
    answers.question_id,
    answer_values.is_relevant,
    answer_values.is_sufficient
from {{ ref('stg_inspection__answers') }} as answers
inner join {{ ref('stg_inspection__cases') }} as cases
    on cases.inspection_id = answers.inspection_id
    and cases.case_key = answers.case_key
inner join {{ ref('answer_values') }} as answer_values on answer_values.answer = answers.answer
