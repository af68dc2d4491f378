# The Entente worker image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY agents agents
COPY streams streams
RUN pip install --no-cache-dir .
CMD ["entente", "worker", "--broker", "kafka://kafka:9092"]
