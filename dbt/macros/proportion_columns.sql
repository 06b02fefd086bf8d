{#- The published columns of one proportion k/n: score (null when n = 0), score_pct (half up,
    exact integer arithmetic) and its 95% Wilson interval. One definition for the question
    scores of an inspection and of a group. -#}
{% macro proportion_columns(numerator, denominator) -%}
    case when {{ denominator }} > 0 then {{ numerator }}::double / {{ denominator }} end as score,
    {{ round_half_up_pct(numerator, denominator) }} as score_pct,
    {{ wilson_bound(numerator, denominator, 'low') }} as ci_low,
    {{ wilson_bound(numerator, denominator, 'high') }} as ci_high
{%- endmacro %}
