-- The disclosure threshold the published survey results were controlled with (null: none published).
select max(disclosure_threshold) as disclosure_threshold
from marts.fct_survey_results
