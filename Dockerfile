# Quayside's own image, written the way the course teaches (sections 3, 4 and 6):
# pinned base, dependencies before sources, multi-stage, non-root, healthcheck, exec-form CMD.

FROM python:3.12.8-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
# The dependency manifests change rarely: install them first so this layer stays cached.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project && rm -rf /root/.cache

FROM python:3.12.8-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QUAYSIDE_VAR_DIR=/var/lib/quayside
RUN groupadd --system --gid 10001 quayside \
    && useradd --system --uid 10001 --gid quayside --home-dir /app --shell /usr/sbin/nologin quayside \
    && mkdir -p /var/lib/quayside \
    && chown quayside:quayside /var/lib/quayside
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=quayside:quayside . .
# collectstatic needs settings to load; the placeholder key never serves a request.
RUN SECRET_KEY=collectstatic-placeholder ALLOWED_HOSTS=localhost \
    QUAYSIDE_VAR_DIR=/app/var python manage.py collectstatic --noinput \
    && mv /app/var/static /app/staticfiles && rm -rf /app/var
ENV STATIC_ROOT=/app/staticfiles
USER quayside
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "quayside.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
