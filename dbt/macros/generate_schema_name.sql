{#- Schemas are named exactly as configured (marts, staging, ...), not prefixed with the target
    schema: the analyst interface promises `marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
