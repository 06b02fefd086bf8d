"""The long-running services and what operators ask of them: the Prefect server, the worker, the
landing watcher, and `iaow status`."""
