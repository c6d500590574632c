# The code location's image: the platform_assets wheel and its dependencies in a virtualenv,
# the dbt project with a manifest built here, and Dagster's gRPC code server as the command.
# The Dagster Helm chart runs it as a user-code deployment, and the K8s run launcher starts
# each run in a pod of the same image (docs/deployment.md).
#
# No configuration or secret is baked in: the warehouse URL, the environment and the
# pseudonym key come from the environment at run time (PLATFORM_POSTGRES_URL, PLATFORM_ENV,
# PLATFORM_PII_HMAC_KEY; in Kubernetes from a Secret).
#
#   docker build -t platform-assets:$(git rev-parse --short HEAD) .

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false

WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY platform_assets ./platform_assets
# A wheel, installed like any dependency: the image holds no source tree and no editable
# install, so what runs is what `pip wheel` packaged (package data included).
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install /wheels/*.whl

# The manifest is built once, here, with the production target: the code server reads it
# at start-up instead of parsing the project in every pod. `dbt parse` needs no database.
COPY dbt_project /opt/platform/dbt_project
RUN PLATFORM_DBT_TARGET=postgres /opt/venv/bin/dbt parse \
        --project-dir /opt/platform/dbt_project --profiles-dir /opt/platform/dbt_project \
    && rm -rf /opt/platform/dbt_project/logs


FROM ${PYTHON_IMAGE}

# A system account without a login shell, its home the data root: the code server and every
# run pod run as it, never as root.
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /var/lib/platform --shell /usr/sbin/nologin platform

COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/platform/dbt_project /opt/platform/dbt_project
COPY config /opt/platform/config
# The runbooks the assets link (the audit and the stage scorecard check their sections).
COPY docs/runbooks /opt/platform/docs/runbooks
# The integration tests' `covers=[...]` markers are the evidence of the BETA.INTEGRATION_TESTED
# requirement that `platform-assets audit` and the stage scorecard read; they are not run here.
COPY tests /opt/platform/tests

# Everything under /opt is root's and read-only to the platform account, except what dbt and
# Dagster write at run time: dbt's target/ and logs/ in the project, the data root and
# DAGSTER_HOME (where the Helm chart mounts the instance's dagster.yaml).
RUN mkdir -p /opt/platform/dbt_project/logs /var/lib/platform /opt/dagster/dagster_home \
    && chown -R platform:platform /opt/platform/dbt_project/target \
        /opt/platform/dbt_project/logs /var/lib/platform /opt/dagster/dagster_home

# An installed platform-assets finds the project's files (config/, dbt_project/,
# docs/runbooks/, the seeds its Python reads) under PLATFORM_PROJECT_ROOT, not beside its
# package, which in the image is site-packages (platform_assets/settings.py). Everything it
# writes goes under the data root.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    PLATFORM_PROJECT_ROOT=/opt/platform \
    PLATFORM_DBT_PROJECT_DIR=/opt/platform/dbt_project \
    PLATFORM_DATA_DIR=/var/lib/platform

USER 10001:10001
WORKDIR /opt/platform
EXPOSE 3030

CMD ["dagster", "code-server", "start", "-m", "platform_assets.definitions", "-h", "0.0.0.0", "-p", "3030"]
