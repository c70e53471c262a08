# The screening API: uvicorn serving the app factory, one process per container (scale with
# replicas), the seed watchlist included, running as an unprivileged user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 screening
WORKDIR /app

# The package stays in /app (an editable install, the seed watchlist inside it, with the
# PostgreSQL driver that compose.yaml's database needs): a non-editable
# one would be shadowed by the sources in the working directory. The matching engine is
# compiled with mypyc (setup.py), by the exact mypy and setuptools pinned in pyproject.toml's
# [build-system] (the versions of constraints.txt): the compiler is installed for the build and
# removed in the same layer. The image has a compiler, so a build fallen back to pure Python
# (about half as fast) is an error here.
COPY pyproject.toml setup.py README.md constraints.txt ./
COPY service/ service/
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && pip install -c constraints.txt -e '.[postgres]' \
    && python -c "import service.matching.matcher as m; assert not m.__file__.endswith('.py'), \
        'the matching engine was not compiled'" \
    && apt-get purge -y gcc libc6-dev && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* build
# The embedded defaults write here (the SQLite store without DATABASE_URL); mount a volume, or
# better set DATABASE_URL to PostgreSQL.
RUN mkdir -p /app/data && chown screening:screening /app/data
VOLUME ["/app/data"]

USER screening
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]

# The app writes its own JSON access log; uvicorn's is off. Every request from outside the
# container needs an API key (it reaches a non-loopback address, so the app never runs open
# for it); `docker compose exec api python -m service keys create --name admin --role admin`
# makes the first.
CMD ["uvicorn", "--factory", "service.app:create_app", "--host", "0.0.0.0", "--port", "8000", \
     "--no-access-log"]
