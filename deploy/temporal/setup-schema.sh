#!/bin/sh
# One-shot, in temporalio/admin-tools: creates Temporal's two PostgreSQL
# databases when missing and brings both schemas to this image's version.
# Safe to run on every `docker compose up`.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"
SCHEMA_ROOT="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# PostgreSQL is already healthy: the compose file starts this after its health check.
for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  if ! created="$(sql_tool --db "$db" create 2>&1)"; then
    case "$created" in
      *"already exists"*) echo "database $db exists already" ;;
      *) echo "$created" >&2; exit 1 ;;
    esac
  fi
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$SCHEMA_ROOT/$schema/versioned"
done
echo "Temporal schemas are up to date"
