{#- The published side of disclosure control, checked on the mart itself so that a defect in the
    rules blocks the publication: no published count from 1 to threshold-1, no published share of
    fewer than threshold respondents, a withheld cell shows neither count nor share, and no question
    of a unit has exactly one withheld option. -#}
{% test disclosure_controlled(model, unit_columns) %}
{%- set units = unit_columns | join(', ') -%}
select 'published count below the threshold' as problem, {{ units }}, question_id
from {{ model }}
where not suppressed
    and (n_option between 1 and disclosure_threshold - 1 or n_respondents is null or n_respondents < disclosure_threshold)
union all
select 'withheld cell shows a value' as problem, {{ units }}, question_id
from {{ model }}
where suppressed and (n_option is not null or share is not null)
union all
select 'exactly one withheld option' as problem, {{ units }}, question_id
from {{ model }}
group by {{ units }}, question_id
having count(*) filter (where suppressed) = 1
{% endtest %}
