# SIP Portal image: the same image runs the web server, the Celery worker and Celery beat.

FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets ./assets
RUN npm run --silent build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    SIP_ENVIRONMENT=production
# WeasyPrint renders PDFs with Pango and HarfBuzz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
COPY --from=assets /app/static/govuk ./static/govuk
# collectstatic reads the settings, which insist on real secrets and services in production;
# these placeholders exist only for this build step (nothing connects to them).
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://collectstatic-only/none REDIS_URL=redis://collectstatic-only/0 python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home /app sip \
    && mkdir -p /app/media && chown sip /app/media
USER sip
EXPOSE 8000
CMD ["gunicorn", "sipportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
