"""The serving database's pure helpers: DuckDB types as PostgreSQL types, and errors that never
carry the connection's password."""

from __future__ import annotations

from flows.storage.serving import pg_type, redact


def test_duckdb_types_map_to_the_nearest_postgresql_type():
    assert pg_type("VARCHAR") == "text"
    assert pg_type("DOUBLE") == "double precision"
    assert pg_type("BIGINT") == "bigint"
    assert pg_type("TIMESTAMP WITH TIME ZONE") == "timestamptz"
    assert pg_type("DECIMAL(18,3)") == "numeric(18,3)"
    assert pg_type("VARCHAR[]") == "text"  # a list is served as its text


def test_an_error_never_shows_the_password():
    url = "postgresql://loader:p%40ss-w0rd@db.example:5432/iaow"
    text = 'connection to server at "db.example" failed: password authentication failed for loader:p%40ss-w0rd'
    assert "p%40ss-w0rd" not in redact(text, url)
    assert redact("no password here", "postgresql://loader@db/iaow") == "no password here"
