{#- The published columns of a disclosure-controlled cell (a row of int_disclosure_controlled_cells
    aliased `cells`): counts and share only where the cell is published, the respondent count
    only where it reaches the threshold, and why a cell is withheld. -#}
{% macro disclosed_counts(cells) %}
    case when {{ cells }}.n_respondents >= {{ cells }}.disclosure_threshold then {{ cells }}.n_respondents end as n_respondents,
    case when {{ cells }}.suppression_reason is null then {{ cells }}.n_option end as n_option,
    case when {{ cells }}.suppression_reason is null then {{ cells }}.n_option / {{ cells }}.n_respondents end as share,
    {{ cells }}.suppression_reason is not null as suppressed,
    {{ cells }}.suppression_reason,
    {{ cells }}.disclosure_threshold
{%- endmacro %}
