"""Prefect flows and deployments: ingest of every input kind, the rescore, the reactions to
publication (group report, score sheets), maintenance; and the events they emit."""
