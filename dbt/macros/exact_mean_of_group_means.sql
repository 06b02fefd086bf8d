{#- Mean over groups (criteria) of each group's mean question score. -#}
{% macro exact_mean_of_group_means(groups, numerator, denominator, order_by, as_percentage=false) -%}
    {{ 'iaow_mean_of_group_means_pct' if as_percentage else 'iaow_mean_of_group_means' }}(
        list({{ groups }} order by {{ order_by }}),
        list({{ numerator }} order by {{ order_by }}),
        list({{ denominator }} order by {{ order_by }})
    )
{%- endmacro %}
