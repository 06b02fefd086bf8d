-- Offender survey results of a group's areas, after disclosure control (share: a 0-1 fraction).
-- parameters: group_id
select survey_id, survey_year, area, question_id, answer_option, option_order, answer_type, n_respondents, n_option,
       share, suppressed, suppression_reason, disclosure_threshold
from marts.fct_survey_results
where area in (select area from marts.dim_inspection where group_id = ?)
order by survey_year, question_id, area, option_order
