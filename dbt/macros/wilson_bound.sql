{#- 95% Wilson score interval of k/n as (low, high) expressions; null when n = 0. The same
    formula as flows/core/uncertainty.py:wilson_interval, which the tests compare it with. -#}
{% macro wilson_bound(numerator, denominator, side, z=1.959963984540054) -%}
    case
    when {{ denominator }} = 0 then null
    {#- At 0/n and n/n the exact bound is 0 or 1; floating point lands a hair inside it. #}
    when {{ numerator }} = {{ '0' if side == 'low' else denominator }} then {{ '0.0' if side == 'low' else '1.0' }}
    else
        {{ 'greatest(0.0, ' if side == 'low' else 'least(1.0, ' }}
        (
            ({{ numerator }})::double / ({{ denominator }})
            + {{ z }} * {{ z }} / (2.0 * ({{ denominator }}))
            {{ '-' if side == 'low' else '+' }} {{ z }} * sqrt(
                ({{ numerator }})::double / ({{ denominator }}) * (1 - ({{ numerator }})::double / ({{ denominator }})) / ({{ denominator }})
                + {{ z }} * {{ z }} / (4.0 * ({{ denominator }}) * ({{ denominator }}))
            )
        ) / (1 + {{ z }} * {{ z }} / ({{ denominator }})))
    end
{%- endmacro %}
