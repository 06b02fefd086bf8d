{#- One row per question and answer option of a question catalogue seed (answer_options written
    "yes|no|..."), numbered in display order. answer_type is an SQL expression (a column, or a quoted literal);
    append_blank adds the option `blank` (not answered)
    for catalogues whose blank cells are not listed as an option. -#}
{% macro answer_options(question_seed, answer_type="'single'", append_blank=false) %}
select
    question_id,
    answer_type,
    unnest(options) as answer_option,
    unnest(range(1, len(options) + 1)) as option_order
from (
    select
        question_id,
        {{ answer_type }} as answer_type,
        {% if append_blank %}list_concat(string_split(answer_options, '|'), ['blank']){% else %}string_split(answer_options, '|'){% endif %} as options
    from {{ question_seed }}
)
{% endmacro %}
