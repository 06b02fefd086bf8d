{#- The exact mean of the rows' ratios numerator/denominator (rule mean_of_questions), rows with a
    denominator of 0 left out: exact_ratio_statistic (exact_ratio_statistic.sql) with that rule. -#}
{% macro exact_mean_of_ratios(numerator, denominator, order_by, as_percentage=false) -%}
    {{ exact_ratio_statistic("'mean_of_questions'", numerator, denominator, order_by, as_percentage) }}
{%- endmacro %}
