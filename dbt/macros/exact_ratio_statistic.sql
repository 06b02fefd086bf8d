{#- Exact statistics over a group's rows of numerator/denominator (question counts), skipping rows
    whose denominator is 0 (a question with no relevant case has no score). Computed with fractions
    by the functions flows/storage/duckdb_functions.py registers on dbt's connection: a mean of
    proportions in floating point can fall a hair below .5 and round the wrong way. Every list is
    aggregated with the same ORDER BY so that they stay aligned; `filter` restricts the rows (e.g.
    to key questions) without breaking that alignment. -#}
{% macro exact_ratio_statistic(rule, numerator, denominator, order_by, as_percentage=false, filter=none) -%}
    {%- set where = ' filter (where ' ~ filter ~ ')' if filter else '' -%}
    {{ 'iaow_ratio_stat_pct' if as_percentage else 'iaow_ratio_stat' }}(
        {{ rule }},
        coalesce(list({{ numerator }} order by {{ order_by }}){{ where }}, []),
        coalesce(list({{ denominator }} order by {{ order_by }}){{ where }}, [])
    )
{%- endmacro %}
