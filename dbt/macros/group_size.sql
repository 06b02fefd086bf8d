{#- The number of inspections in a thematic group of the programme, a programme constant read from
    the programme_constants seed (never written as a literal in SQL): a group is complete once
    this many of its inspections are published. Renders a scalar subquery (an integer). -#}
{% macro group_size() -%}
    (select value::integer from {{ ref('programme_constants') }} where constant = 'group_size')
{%- endmacro %}
