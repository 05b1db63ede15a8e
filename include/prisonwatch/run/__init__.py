"""Run: the pipeline's steps and what drives them.

:mod:`.pipeline` holds the steps (poll, select, fetch, store and match) and their staging folder, :mod:`.tasks`
the Airflow-facing task bodies and DAG defaults, :mod:`.seed` the seed corpus, :mod:`.demo` the offline demo and
:mod:`.localairflow` the ``make airflow`` launcher.
"""
