# The idgraph API, served by waitress. Used by docker-compose.yml next to a Neo4j 5.26 server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Node.js and npm install the agent console's JavaScript libraries (package-lock.json) at build time.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir . \
    && python -c "from service.console import assets; assets.ensure()" \
    && useradd --create-home --uid 10001 idgraph \
    && mkdir -p /var/lib/idgraph && chown idgraph /var/lib/idgraph

USER idgraph
EXPOSE 8000
CMD ["idgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
