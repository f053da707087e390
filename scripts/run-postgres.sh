#!/usr/bin/env bash
# The whole graph with Dagster's instance (runs, event logs, schedules) on PostgreSQL instead of SQLite.
#
#   scripts/run-postgres.sh INPUT WAREHOUSE        (make run-postgres INPUT=... WAREHOUSE=...)
#
# Starts a throwaway server from Debian's `postgresql` package (installed first when missing, if this
# runs as root with apt-get) on a free loopback port, points DAGSTER_HOME at deploy/postgres/dagster.yaml
# with the credentials in the environment, runs `newsrecon run`, checks that Postgres recorded the run,
# then stops the server and removes it. NEWSRECON_EXECUTOR picks the executor as for `newsrecon run`.
# Exit status: newsrecon's own (0, 1, 2), 2 when PostgreSQL is unavailable, 3 when no run was recorded.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 INPUT WAREHOUSE" >&2
    exit 2
fi
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INPUT="$1"
WAREHOUSE="$2"
DB_USER=newsrecon
DB_NAME=dagster

say() { echo "run-postgres: $*" >&2; }

# Debian keeps the server binaries out of PATH, one folder per major version.
server_bindir() {
    local found
    found="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$found" ]; then
        echo "$found"
    elif command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
    fi
}

if [ -z "$(server_bindir)" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        say "PostgreSQL is not installed: installing Debian's postgresql package"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q postgresql >&2 || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; }
    fi
    if [ -z "$(server_bindir)" ]; then
        say "PostgreSQL is not installed and cannot be installed here (that needs root and apt-get):" \
            "install Debian's postgresql package, or a PostgreSQL server with initdb and pg_ctl on PATH"
        exit 2
    fi
fi
BIN="$(server_bindir)"

# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` system user.
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        say "running as root, but there is no postgres system user to run the server as"
        exit 2
    fi
    as_server_owner() { runuser -u postgres -- "$@"; }
else
    as_server_owner() { "$@"; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/newsrecon-postgres.XXXXXX")"
chmod 755 "$WORK"
SERVER_STARTED=0
cleanup() {
    if [ "$SERVER_STARTED" -eq 1 ]; then
        as_server_owner "$BIN/pg_ctl" -D "$WORK/server/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$ROOT/.venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PASSWORD="$("$ROOT/.venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
mkdir -p "$WORK/server"
printf '%s\n' "$PASSWORD" > "$WORK/server/password"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres: "$WORK/server"
fi

as_server_owner "$BIN/initdb" -D "$WORK/server/data" -U "$DB_USER" --pwfile="$WORK/server/password" \
    --auth=scram-sha-256 --encoding=UTF8 --no-instructions >/dev/null
as_server_owner "$BIN/pg_ctl" -D "$WORK/server/data" -l "$WORK/server/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK/server" start >/dev/null || {
    say "the server did not start:"
    tail -n 20 "$WORK/server/postgres.log" >&2 || true
    exit 2
}
SERVER_STARTED=1
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $NF}') on 127.0.0.1:$PORT"

export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER="$DB_USER" PGPASSWORD="$PASSWORD"
"$BIN/createdb" "$DB_NAME"

export DAGSTER_HOME="$WORK/home"
export DAGSTER_PG_HOST=127.0.0.1 DAGSTER_PG_PORT="$PORT" DAGSTER_PG_USERNAME="$DB_USER"
export DAGSTER_PG_PASSWORD="$PASSWORD" DAGSTER_PG_DB="$DB_NAME"
mkdir -p "$DAGSTER_HOME"
cp "$ROOT/deploy/postgres/dagster.yaml" "$DAGSTER_HOME/dagster.yaml"

status=0
"$ROOT/.venv/bin/newsrecon" run --input "$INPUT" --warehouse "$WAREHOUSE" || status=$?

query() { "$BIN/psql" -d "$DB_NAME" -tA -v ON_ERROR_STOP=1 -c "$1"; }
if [ "$(query "SELECT to_regclass('public.runs') IS NOT NULL")" = t ]; then
    runs="$(query "SELECT count(*) FROM runs")"
    succeeded="$(query "SELECT count(*) FROM runs WHERE status = 'SUCCESS'")"
    events="$(query "SELECT count(*) FROM event_logs")"
    echo "postgres: $runs runs recorded ($succeeded succeeded), $events event log entries," \
        "database $DB_NAME on 127.0.0.1:$PORT"
else
    runs=0
    echo "postgres: no Dagster tables in database $DB_NAME: the run never opened the instance"
fi
if [ "$status" -eq 0 ] && [ "$runs" -eq 0 ]; then
    say "newsrecon succeeded but PostgreSQL recorded no run: DAGSTER_HOME was not used"
    status=3
fi
exit "$status"
