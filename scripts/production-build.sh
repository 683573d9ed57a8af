#!/usr/bin/env bash
# The production image's build without Docker: the Dockerfile's steps in its order, in a scratch
# copy of the sources, then gunicorn started as the image starts it, on a loopback port, until it
# answers /health/live/. Needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL, defaulting to the
# local services) for the server step only. Run by .ci/run; can be run alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
database_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
host=sip-portal.example.org

# The steps below copy the Dockerfile's; if it changes, this script must change with it.
expected_steps='FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets ./assets
RUN npm run --silent build
FROM python:3.11-slim-bookworm
RUN apt-get update \
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
COPY --from=assets /app/static/govuk ./static/govuk
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://collectstatic-only/none REDIS_URL=redis://collectstatic-only/0 python manage.py collectstatic --noinput \
USER sip
CMD ["gunicorn", "sipportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]'
actual_steps="$(grep -E '^(FROM|WORKDIR|COPY|RUN|USER|CMD) ' "$root/Dockerfile")"
if [ "$actual_steps" != "$expected_steps" ]; then
  echo "The Dockerfile's steps changed; bring scripts/production-build.sh in step with them:" >&2
  diff <(echo "$expected_steps") <(echo "$actual_steps") >&2 || true
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/sip-production-build.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The build context: what git tracks or would track, less .dockerignore's entries (git ignores
# those too), as `docker build .` would send it.
mkdir -p "$work/context"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
  | tar --null -T - -cf -) | tar -C "$work/context" -xf -

echo "--- stage assets: npm ci, npm run build"
mkdir -p "$work/assets-stage"
cp "$work/context/package.json" "$work/context/package-lock.json" "$work/assets-stage/"
(cd "$work/assets-stage" && npm ci --no-audit --no-fund --loglevel=error)
cp -r "$work/context/assets" "$work/assets-stage/assets"
(cd "$work/assets-stage" && npm run --silent build)

echo "--- stage app: pip install . (from pyproject.toml and README.md alone)"
mkdir -p "$work/app"
cp "$work/context/pyproject.toml" "$work/context/README.md" "$work/app/"
"$python" -m venv "$work/venv"
(cd "$work/app" && PIP_NO_CACHE_DIR=1 "$work/venv/bin/pip" install --quiet .)
cp -r "$work/context/." "$work/app/"
mkdir -p "$work/app/static"
cp -r "$work/assets-stage/static/govuk" "$work/app/static/govuk"

echo "--- collectstatic with the manifest storage"
(
  cd "$work/app"
  export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SIP_ENVIRONMENT=production
  SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://collectstatic-only/none \
    REDIS_URL=redis://collectstatic-only/0 "$work/venv/bin/python" manage.py collectstatic --noinput
)
test -s "$work/app/staticfiles/staticfiles.json"

echo "--- gunicorn answers /health/live/"
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(
  cd "$work/app"
  export SIP_ENVIRONMENT=production SECRET_KEY="build-$RANDOM$RANDOM$RANDOM-$(date +%s%N)" ALLOWED_HOSTS="$host" \
    DATABASE_URL="$database_url" REDIS_URL="$redis_url"
  exec "$work/venv/bin/gunicorn" sipportal.wsgi:application --bind "127.0.0.1:$port" --workers 2 \
    --access-logfile - --graceful-timeout 5
) &
server_pid=$!
answer=""
for _ in $(seq 1 60); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "gunicorn exited before answering" >&2
    exit 1
  fi
  # Plain HTTP, as the container's health check asks it; /health/ is exempt from the HTTPS redirect.
  answer="$(curl --silent --show-error --max-time 2 -H "Host: $host" "http://127.0.0.1:$port/health/live/" 2>/dev/null)" && break
  answer=""
  sleep 0.5
done
if [ "$answer" != '{"status": "ok"}' ]; then
  echo "gunicorn did not answer /health/live/ within 30 seconds (got: ${answer:-nothing})" >&2
  exit 1
fi
echo "$answer"
# The stylesheet is served from the manifest under its hashed name, compressed.
css="$("$work/venv/bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["paths"]["govuk/sip-portal.css"])' \
  "$work/app/staticfiles/staticfiles.json")"
curl --silent --show-error --fail --max-time 5 -H "Host: $host" -H "X-Forwarded-Proto: https" -H "Accept-Encoding: gzip" \
  -o /dev/null -w "static/$css: %{http_code} %{size_download} bytes\n" "http://127.0.0.1:$port/static/$css"
echo "production build: ok"
