"""Files and databases: atomic writes, the archive and quarantine, the raw zone, the writer slot,
dbt, the publication protocol and the one read-only reader of the published file."""
