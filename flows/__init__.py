"""IAOW platform: Prefect flows, tasks and the `iaow` command line."""

from flows.config import prepare_environment

# Prefect reads PREFECT_API_URL/PREFECT_HOME when it is first imported; every entry point
# imports this package first, so the settings are in place before that happens.
prepare_environment()
