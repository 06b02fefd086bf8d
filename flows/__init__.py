"""IAOW platform: Prefect flows, tasks and the `iaow` command line.

Importing this package (or any of its sub-packages) has no side effects: nothing is read from
the environment, no folder is created. Entry points call `flows.config.prepare_environment()`
before Prefect is imported. The layers and what each may import: ARCHITECTURE.md.
"""
