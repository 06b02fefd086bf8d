{#- Exact unweighted mean over the group's rows of numerator/denominator, skipping rows whose
    denominator is 0 (a question with no relevant case has no score). Computed with fractions by
    iaow_mean_ratio(_pct), which flows/duckdb_functions.py registers on dbt's connection: a mean
    of proportions in floating point can fall a hair below .5 and round the wrong way.
    Both lists are aggregated in the same order so that they stay aligned. -#}
{% macro exact_mean_of_ratios(numerator, denominator, order_by, as_percentage=false) -%}
    {{ 'iaow_mean_ratio_pct' if as_percentage else 'iaow_mean_ratio' }}(
        list({{ numerator }} order by {{ order_by }}),
        list({{ denominator }} order by {{ order_by }})
    )
{%- endmacro %}
