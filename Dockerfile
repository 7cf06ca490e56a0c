# mentorbot: `mentorbot serve` as an unprivileged user, with the dependency versions CI tested.
#   docker build -t mentorbot .
#   docker run --env-file .env -p 3000:3000 -v mentorbot-data:/var/lib/mentorbot mentorbot
# compose.yaml runs it beside PostgreSQL; see the README's "Deployment".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /tmp/mentorbot
COPY pyproject.toml README.md LICENSE constraints.txt manifest.yml .env.example ./
COPY bot bot
COPY handlers handlers
COPY storage storage
# CI's install (.ci/run) with the same constraints and runtime extras, less the test tools and the
# editable link: tests/test_deployment.py keeps the two in step.
RUN pip install -c constraints.txt '.[charts]' \
    && cd / && rm -rf /tmp/mentorbot

RUN useradd --system --create-home --home-dir /var/lib/mentorbot --uid 10001 mentorbot
USER mentorbot
# The working directory is the default SQLite database's (sqlite:///mentorbot.db): mount a volume here,
# or set DATABASE_URL to PostgreSQL.
WORKDIR /var/lib/mentorbot

ENV PORT=3000
EXPOSE 3000
# /healthz answers 200 while the database answers, 503 when not (urlopen raises on it). The image has no
# curl: python's urllib does the asking. The start period covers the migrations `serve` applies first.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

CMD ["mentorbot", "serve"]
