# The moderation service: gunicorn serving moderation.service:create_app(), as a non-root user.

# The wheel, its engine compiled by mypyc (setup.py): the full image has the C compiler the slim one lacks.
FROM python:3.11 AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY moderation ./moderation
COPY wordlists ./wordlists
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/moderation-metrics \
    MODERATION_CACHE_DIR=/var/cache/moderation

COPY --from=build /wheels /wheels
# /var/lib/moderation: the one writable place (compose mounts a volume there) for MODERATION_FEEDBACK_FILE
RUN pip install /wheels/*.whl && rm -r /wheels && useradd --system --uid 10001 --no-create-home moderation && mkdir -p /etc/moderation \
    && mkdir -p /var/lib/moderation && chown moderation /var/lib/moderation \
    && python -c "from moderation.engine.identify import load; load()" \
    && moderation --version | grep -q "engine compiled by mypyc"
# Above: the language model unpacked (see cache.py), and no image with an engine that did not compile

USER moderation
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["gunicorn", "--config", "python:moderation.service.server"]
