# BackPath worker image (not built in this repository's CI: no container daemon there).
#   docker build -t backpath .
#   docker run --env-file .env -v backpath-data:/data -p 8080:8080 backpath serve
# Dependencies come from requirements.lock (pinned, with hashes); the app from its wheel,
# which carries the flows, catalogs and migrations. The code is owned by root and read-only
# for the non-root user that runs it; the only writable place is the /data volume.

FROM python:3.11-slim AS build
RUN python -m venv /opt/backpath
COPY requirements.lock /src/
RUN /opt/backpath/bin/pip install --no-cache-dir --require-hashes -r /src/requirements.lock
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY flows /src/flows
COPY messages /src/messages
RUN /opt/backpath/bin/pip wheel --no-cache-dir --no-deps -w /dist /src \
 && /opt/backpath/bin/pip install --no-cache-dir --no-deps /dist/backpath-*.whl

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin backpath \
 && mkdir /data && chown backpath:backpath /data && chmod 700 /data
COPY --from=build /opt/backpath /opt/backpath
ENV PATH=/opt/backpath/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    BACKPATH_DATA_DIR=/data \
    BACKPATH_HOST=0.0.0.0 \
    BACKPATH_PORT=8080 \
    LOG_FORMAT=json
USER backpath
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
ENTRYPOINT ["backpath"]
CMD ["serve"]
