{#- Fails on every row where the expression is not true (nulls count as failures unless allowed). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
