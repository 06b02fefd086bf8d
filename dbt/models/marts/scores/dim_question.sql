select
    questions.question_id,
    questions.criterion_code,
    questions.question_text,
    questions.methodology_id,
    criteria.outcome_code as criterion_outcome_code,
    questions.answer_scale,
    questions.applies_to
from {{ ref('questions') }} as questions
inner join {{ ref('criteria') }} as criteria on criteria.criterion_code = questions.criterion_code
