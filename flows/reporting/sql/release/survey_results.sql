-- Offender survey results by area, after disclosure control. Only the areas with an inspection in
-- the release: an area's survey results are published with its inspection's report, never before.
select survey_id, survey_year, area, question_id, answer_option, option_order, n_respondents, n_option, share,
       suppressed, suppression_reason
from marts.fct_survey_results
where area in (select area from marts.dim_inspection)
order by survey_id, area, question_id, option_order
