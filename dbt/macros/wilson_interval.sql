{#- 95% Wilson score interval of k/n as (low, high) expressions; null when n = 0. The same
    formula as flows/uncertainty.py:wilson_interval, which the tests compare it with. -#}
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

{#- The band of a rating scale that a whole-number percentage falls in (a scalar subquery on the
    rating_bands seed); null without a scale or a percentage. -#}
{% macro rating_for(rating_scale, score_pct, column='rating') -%}
    (
        select bands.{{ column }}
        from {{ ref('rating_bands') }} as bands
        where bands.rating_scale = {{ rating_scale }}
          and {{ score_pct }} between bands.min_pct and bands.max_pct
    )
{%- endmacro %}

{#- The published columns of one proportion k/n: score (null when n = 0), score_pct (half up,
    exact integer arithmetic) and its 95% Wilson interval. One definition for the question
    scores of an inspection and of a group. -#}
{% macro proportion_columns(numerator, denominator) -%}
    case when {{ denominator }} > 0 then {{ numerator }}::double / {{ denominator }} end as score,
    {{ round_half_up_pct(numerator, denominator) }} as score_pct,
    {{ wilson_bound(numerator, denominator, 'low') }} as ci_low,
    {{ wilson_bound(numerator, denominator, 'high') }} as ci_high
{%- endmacro %}
