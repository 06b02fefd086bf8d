{#- round(100 * k / n) half up, in integer arithmetic so that it is exact: floor((200k + n) / 2n). -#}
{% macro round_half_up_pct(numerator, denominator) -%}
    case when {{ denominator }} > 0
         then ((200 * ({{ numerator }})::hugeint + ({{ denominator }})) // (2 * ({{ denominator }})::hugeint))::integer
    end
{%- endmacro %}
