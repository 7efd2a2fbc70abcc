# carebot: one process, one SQLite file on a volume. Build: docker build -t carebot .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CAREBOT_DB=/data/carebot.db \
    CAREBOT_HEALTH_LISTEN=0.0.0.0 \
    CAREBOT_HEALTH_PORT=9464

# A user of its own: the bot never runs as root, and only it can read the database.
RUN groupadd --system --gid 10001 carebot \
 && useradd --system --uid 10001 --gid carebot --home-dir /app --shell /usr/sbin/nologin carebot \
 && mkdir -p /data \
 && chown carebot:carebot /data \
 && chmod 0700 /data

WORKDIR /app
# The locked, hash-checked dependencies first (cached while only the code changes).
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY dialogs ./dialogs
COPY knowledge ./knowledge
COPY storage ./storage
RUN pip install --no-deps --no-build-isolation . \
 && python -c "import knowledge.embedding as e; e.embedder()"

USER 10001:10001
VOLUME ["/data"]
EXPOSE 9464
# /healthz answers 200 while the bot hears Telegram and can write its database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["carebot"]
CMD ["run"]
