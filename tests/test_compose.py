"""Static checks of the container topology: docker-compose.yml, the Dockerfile and .env.example agree.

Nothing here starts a container; tests/integration/test_production_topology.py runs the same topology natively.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"

AIRFLOW_SERVICES = [
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
]
# Services that run until stopped (so need a health check); airflow-init runs once, airflow-cli on demand.
LONG_RUNNING = ["postgres", "redis"] + [s for s in AIRFLOW_SERVICES if s != "airflow-init"]
# `${NAME}`, `${NAME:-default}`, `${NAME:?message}`; `$${NAME}` is an escaped shell variable, not compose's.
COMPOSE_VAR = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")
CONTAINER_ROOT = "/opt/airflow"


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def compose_text() -> str:
    """docker-compose.yml without its comment lines (compose interpolates only values)."""
    lines = COMPOSE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def compose_variables(text: str) -> dict[str, str | None]:
    """Each referenced variable and its default (None when it has none: it must come from .env)."""
    found: dict[str, str | None] = {}
    for match in re.finditer(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)((?::?-)([^}]*)|(?::?\?)[^}]*)?\}", text):
        name, _, default = match.group(1), match.group(2), match.group(3)
        found[name] = default if default is not None else found.get(name)
    return found


def env_example() -> dict[str, tuple[str, list[str]]]:
    """Variables assigned in .env.example: name -> (value, the comment block just above it).

    Assignments on consecutive lines share the comment above the first (a name and its password).
    """
    entries: dict[str, tuple[str, list[str]]] = {}
    comments: list[str] = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped:
            comments = []
        elif stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if text and not text.startswith("---"):
                comments.append(text)
        else:
            name, sep, value = stripped.partition("=")
            assert sep, f".env.example: not NAME=value: {line!r}"
            entries[name.strip()] = (value, list(comments))
    return entries


def dockerfile_from() -> str:
    froms = re.findall(r"^FROM\s+(\S+)", DOCKERFILE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(froms) == 1, froms
    return froms[0]


def pinned(requirements: Path, package: str) -> str:
    match = re.search(rf"^{re.escape(package)}(?:\[[^\]]*\])?==(\S+)", requirements.read_text(), re.MULTILINE)
    assert match, f"{package} is not pinned in {requirements.name}"
    return match.group(1)


def host_path(volume: str) -> tuple[Path, str]:
    """A bind mount `${AIRFLOW_PROJ_DIR:-.}/dags:/opt/airflow/dags` as (repository path, container path)."""
    match = re.fullmatch(r"\$\{AIRFLOW_PROJ_DIR:-\.\}/([^:]+):(/[^:]+)(?::r[ow])?", volume)
    assert match, f"not a bind mount under AIRFLOW_PROJ_DIR: {volume}"
    return (REPO / match.group(1)).resolve(), match.group(2)


def to_repo_path(container_path: str, volumes: list[str]) -> Path:
    """Where a container path lives in the repository, through the bind mounts."""
    for volume in volumes:
        source, target = host_path(volume)
        if container_path == target or container_path.startswith(target + "/"):
            return source / container_path[len(target) :].lstrip("/")
    raise AssertionError(f"{container_path} is not under any bind mount of x-airflow-common")


# ---------------------------------------------------------------------------------------------- tests
def test_services_of_the_official_layout_are_present():
    services = compose()["services"]
    for name in ["postgres", "redis", *AIRFLOW_SERVICES]:
        assert name in services, f"service {name} missing"
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"].startswith("redis:7.2")
    assert services["airflow-apiserver"]["command"] == "api-server"
    assert services["airflow-scheduler"]["command"] == "scheduler"
    assert services["airflow-dag-processor"]["command"] == "dag-processor"
    assert services["airflow-worker"]["command"] == "celery worker"
    assert services["airflow-triggerer"]["command"] == "triggerer"
    assert any(p.endswith(":8080") for p in services["airflow-apiserver"]["ports"])


def test_celery_executor_on_postgres_and_redis_services():
    env = compose()["x-airflow-common"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
    assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
    assert (
        env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        and "@redis:6379" in env["AIRFLOW__CELERY__BROKER_URL"]
    )
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    # Tokens signed by one component are checked by another: the secrets must come from one shared place.
    for key in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"):
        assert COMPOSE_VAR.fullmatch(env[key]), f"{key} must come from .env, got {env[key]!r}"


def test_every_airflow_service_shares_the_common_block():
    data = compose()
    common = data["x-airflow-common"]
    common_env = common["environment"]
    for name in AIRFLOW_SERVICES:
        service = data["services"][name]
        assert service.get("image") == common["image"] and service.get("build") == common["build"], name
        assert service.get("volumes") == common["volumes"], f"{name}: volumes differ from x-airflow-common"
        env = service["environment"]
        differing = {k: env.get(k) for k, v in common_env.items() if env.get(k) != v}
        assert not differing, f"{name} overrides or drops common settings: {differing}"


def test_health_checks_on_every_long_running_service():
    services = compose()["services"]
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "http://localhost:8080/api/v2/version" in services["airflow-apiserver"]["healthcheck"]["test"]
    assert "http://localhost:8974/health" in services["airflow-scheduler"]["healthcheck"]["test"]
    assert compose()["x-airflow-common"]["environment"]["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "true"
    # Airflow services wait for healthy dependencies, and for a finished airflow-init.
    for name in LONG_RUNNING[2:]:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name


def test_every_compose_variable_is_documented_in_env_example():
    referenced = compose_variables(compose_text())
    documented = env_example()
    assert referenced, "no ${VAR} found: the pattern is wrong"
    missing = sorted(set(referenced) - set(documented))
    assert not missing, f"referenced in docker-compose.yml but not in .env.example: {missing}"
    stale = sorted(set(documented) - set(referenced))
    assert not stale, f"in .env.example but unused by docker-compose.yml: {stale}"
    undescribed = sorted(name for name, (_, comments) in documented.items() if not comments)
    assert not undescribed, f"no comment describes: {undescribed}"


def test_secrets_have_no_default_and_no_literal_admin_password():
    text = compose_text()
    variables = compose_variables(text)
    for secret in (
        "POSTGRES_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_API_SECRET_KEY",
        "AIRFLOW_ADMIN_USERNAME",
        "AIRFLOW_ADMIN_PASSWORD",
    ):
        assert secret in variables, secret
        assert variables[secret] is None, f"{secret} has a default in docker-compose.yml"
        assert re.search(rf"\$\{{{secret}:\?[^}}]+\}}", text), f"{secret} must be required (${{{secret}:?...}})"
    documented = env_example()
    for secret in (
        "POSTGRES_PASSWORD",
        "AIRFLOW_FERNET_KEY",
        "AIRFLOW_JWT_SECRET",
        "AIRFLOW_API_SECRET_KEY",
        "AIRFLOW_ADMIN_PASSWORD",
    ):
        assert documented[secret][0] == "", f".env.example must not ship a value for {secret}"
    for path in (COMPOSE, ENV_EXAMPLE, DOCKERFILE):
        content = path.read_text(encoding="utf-8").lower()
        for literal in ("admin:admin", "admin/admin", "password: admin", "password=admin", ":-airflow}", "_password:-"):
            assert literal not in content, f"{path.name} contains {literal!r}"
    init_env = compose()["services"]["airflow-init"]["environment"]
    assert init_env["_AIRFLOW_WWW_USER_CREATE"] == "true"
    assert init_env["_AIRFLOW_WWW_USER_USERNAME"].startswith("${AIRFLOW_ADMIN_USERNAME:?")
    assert init_env["_AIRFLOW_WWW_USER_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")


def test_airflow_init_migrates_and_creates_the_pools_from_the_repository_file():
    data = compose()
    init = data["services"]["airflow-init"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    script = "\n".join(init["command"])
    match = re.search(r"airflow pools import (\S+)", script)
    assert match, "airflow-init does not import the pools"
    pools_file = to_repo_path(match.group(1), data["x-airflow-common"]["volumes"])
    assert pools_file == REPO / "include" / "config" / "pools.json"
    assert json.loads(pools_file.read_text())["duckdb"]["slots"] == 1


def test_volumes_and_paths_point_at_the_repository():
    data = compose()
    volumes = data["x-airflow-common"]["volumes"]
    targets = {host_path(v)[1]: host_path(v)[0] for v in volumes}
    for folder in ("dags", "plugins", "include", "data", "reports", "logs"):
        assert targets.get(f"{CONTAINER_ROOT}/{folder}") == (REPO / folder).resolve(), f"{folder} not mounted"
    env = data["x-airflow-common"]["environment"]
    assert env["PRISONWATCH_HOME"] == CONTAINER_ROOT
    # The staging folder must be on the shared data mount: tasks of one run meet there from different workers.
    staging = to_repo_path(env["PRISONWATCH_STAGING"], volumes)
    assert (REPO / "data") in staging.parents
    default_config = compose_variables(compose_text())["PRISONWATCH_CONFIG"]
    assert to_repo_path(default_config, volumes) == REPO / "include" / "config" / "prisonwatch.yaml"
    assert env_example()["PRISONWATCH_CONFIG"][0] == default_config


def test_dockerfile_image_matches_the_pins():
    image = dockerfile_from()
    match = re.fullmatch(r"apache/airflow:(\d+\.\d+\.\d+)-python(\d+\.\d+)", image)
    assert match, f"pin an exact Airflow and Python version in the FROM line, got {image}"
    airflow_version, python_version = match.groups()
    assert airflow_version == pinned(REPO / "requirements.txt", "apache-airflow")
    assert re.search(
        rf"^apache-airflow\[[^\]]*\]=={re.escape(airflow_version)}$",
        (REPO / "requirements.in").read_text(),
        re.MULTILINE,
    )
    compiled_for = re.search(r"--python-version (\d+\.\d+)", (REPO / "requirements.txt").read_text())
    assert compiled_for and compiled_for.group(1) == python_version


def test_dockerfile_installs_the_locked_requirements_then_the_package():
    text = DOCKERFILE.read_text(encoding="utf-8")
    runs = [" ".join(r.split()) for r in re.findall(r"^RUN\s+(.+?)(?<!\\)$", text, re.MULTILINE | re.DOTALL)]
    requirements_at = next(i for i, r in enumerate(runs) if "-r /opt/airflow/requirements.txt" in r)
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in runs[requirements_at]
    assert "--no-cache-dir" in runs[requirements_at]
    package_at = next(i for i, r in enumerate(runs) if "--no-deps" in r)
    assert package_at > requirements_at
    for source in re.findall(r"^COPY\s+(?:--\S+\s+)*(.+)\s+\S+$", text, re.MULTILINE):
        for name in source.split():
            assert (REPO / name).exists(), f"the Dockerfile copies {name}, which is not in the repository"
    for folder in ("include", "dags"):
        assert re.search(rf"^COPY .*\b{folder} /opt/airflow/{folder}$", text, re.MULTILINE), folder


@pytest.mark.parametrize("ignored", [".venv", "data", ".env"])
def test_dockerignore_keeps_local_state_out_of_the_image(ignored):
    lines = (REPO / ".dockerignore").read_text().splitlines()
    assert ignored in lines
