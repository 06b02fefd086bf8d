-- The dbt documentation travels with the file: every mart column's description.
select table_name, column_name, data_type, comment
from duckdb_columns()
where schema_name = 'marts'
order by table_name, column_index;
