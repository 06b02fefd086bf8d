{#- Fails on every row whose value is outside 1 to the programme's group size (group_size(), read
    from the programme_constants seed); nulls pass (not_null checks them). A generic test rather
    than an expression_is_true argument: dbt records the seed as a dependency of the test only
    when the macro is called from the test's own SQL. -#}
{% test between_one_and_group_size(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and not ({{ column_name }} between 1 and {{ group_size() }})
{% endtest %}
