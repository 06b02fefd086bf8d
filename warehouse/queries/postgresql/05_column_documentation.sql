-- The dbt documentation travels with the tables: every mart column's description (PostgreSQL).
select c.table_name, c.column_name, c.data_type,
       col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position) as comment
from information_schema.columns as c
where c.table_schema = 'marts'
order by c.table_name, c.ordinal_position;
