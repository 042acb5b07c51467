# The moderation service: gunicorn serving moderation.service:create_app(), as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/moderation-metrics \
    MODERATION_CACHE_DIR=/var/cache/moderation

WORKDIR /app
COPY pyproject.toml README.md ./
COPY moderation ./moderation
COPY wordlists ./wordlists
# /var/lib/moderation: the one writable place (compose mounts a volume there) for MODERATION_FEEDBACK_FILE
RUN pip install . && useradd --system --uid 10001 --no-create-home moderation && mkdir -p /etc/moderation \
    && mkdir -p /var/lib/moderation && chown moderation /var/lib/moderation \
    && python -c "from moderation.engine.identify import load; load()"  # the language model unpacked: see cache.py

USER moderation
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["gunicorn", "--config", "python:moderation.service.server"]
