"""What keeps runs from outliving their processes: each run's worker and children are
recorded (``run_processes``, ``recording_executor``), a run whose worker died is failed,
its slots freed and its children ended (``recovery``, ``sensor``), and a child ends with
the process that started it (``parent_death``).

Import from the modules: ``parent_death`` runs ahead of every dbt process, which should
not pay for importing Dagster, so this package imports nothing itself.
"""
