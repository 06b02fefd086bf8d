-- PostgreSQL version (the serving database). Each area's context beside England and Wales, and victim results where they can be published
-- (an area's own, or its group's pool of small areas).
select
    c.inspection_id,
    c.measure_label,
    c.value,
    c.national_value,
    c.difference_from_national,
    c.unit
from marts.dim_area_context as c
order by c.inspection_id, c.measure;

select
    coalesce(v.inspection_id, 'pool of ' || v.n_inspections_pooled || ' small areas in ' || v.group_id) as published_for,
    q.question_text,
    v.answer_option,
    v.n_option,
    v.n_respondents,
    round((100 * v.share)::numeric, 1) as pct
from marts.fct_victim_results as v
inner join marts.dim_victim_question as q using (question_id)
where not v.suppressed and v.question_id = 'vq_feel_safer'
order by published_for, v.option_order;
