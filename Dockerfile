# prisonwatch on the official Airflow image. The tag's Airflow version must equal the apache-airflow pin in
# requirements.txt (tests/test_compose.py checks it) and its Python the one the pins were compiled for.
FROM apache/airflow:3.3.2-python3.11

USER airflow
WORKDIR /opt/airflow

# Pinning apache-airflow to the image's own version (AIRFLOW_VERSION is set by the base image) keeps pip from
# moving Airflow while it installs the locked runtime dependencies.
COPY --chown=airflow:0 requirements.txt /opt/airflow/requirements.txt
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" -r /opt/airflow/requirements.txt

# The package is installed editable from /opt/airflow/include: its configuration, seed corpus and SQL live next
# to the code, and docker-compose.yml mounts ./include over the same path so a changed feed list needs no rebuild.
COPY --chown=airflow:0 pyproject.toml README.md /opt/airflow/
COPY --chown=airflow:0 include /opt/airflow/include
COPY --chown=airflow:0 dags /opt/airflow/dags
RUN pip install --no-cache-dir --no-deps -e /opt/airflow \
    && python -c "import prisonwatch.run.pipeline, airflow.providers.celery.executors.celery_executor, \
airflow.providers.fab.auth_manager.fab_auth_manager, airflow.providers.smtp.hooks.smtp" \
    && mkdir -p /opt/airflow/data/staging /opt/airflow/reports /opt/airflow/plugins

# Relative paths in the configuration (data/prisonwatch.duckdb, reports/) resolve against PRISONWATCH_HOME.
ENV PRISONWATCH_HOME=/opt/airflow \
    PRISONWATCH_CONFIG=/opt/airflow/include/config/prisonwatch.yaml \
    PRISONWATCH_STAGING=/opt/airflow/data/staging
