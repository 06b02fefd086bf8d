-- Which outcomes a question counts toward. Most count toward their criterion's outcome only;
-- victim work questions also count toward Protecting the public.
select
    question_outcomes.question_id,
    question_outcomes.outcome_code,
    question_outcomes.outcome_code = criteria.outcome_code as is_criterion_outcome
from {{ ref('question_outcomes') }} as question_outcomes
inner join {{ ref('questions') }} as questions on questions.question_id = question_outcomes.question_id
inner join {{ ref('criteria') }} as criteria on criteria.criterion_code = questions.criterion_code
