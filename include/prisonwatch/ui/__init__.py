"""The Flags view in the Airflow UI (:mod:`.webui`) and its durable queue of decisions (:mod:`.webui_queue`)."""
