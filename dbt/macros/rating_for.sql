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
