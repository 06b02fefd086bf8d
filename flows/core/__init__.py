"""The pure core: scoring, uncertainty, findings, the catalogue, pseudonyms, events, figures.

No Prefect, DuckDB or Great Expectations here, and nothing that writes: every function is a
function of its arguments (the catalogue reads the dbt seeds when asked).
"""
