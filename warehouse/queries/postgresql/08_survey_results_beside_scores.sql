-- PostgreSQL version (the serving database). What offenders said about sentence planning (the survey the inspection read: the year before
-- fieldwork) beside the inspection's score for Delivering the sentence. Withheld cells show as
-- null with the reason; small areas are never published.
select
    i.inspection_id,
    i.area,
    s.survey_id,
    s.answer_option,
    s.n_option,
    round((100 * s.share)::numeric, 1) as pct_of_respondents,
    s.suppression_reason,
    o.score_pct as outcome_2_score_pct
from marts.dim_inspection as i
inner join marts.fct_survey_results as s
    on s.area = i.area
    and s.survey_year = extract(year from i.fieldwork_start)::integer - 1
    and s.question_id = 'sq_involved_in_sentence_plan'
inner join marts.fct_outcome_scores as o
    on o.inspection_id = i.inspection_id and o.outcome_code = 2
order by i.inspection_id, s.option_order;
