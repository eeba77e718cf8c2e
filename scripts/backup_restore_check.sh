#!/bin/sh
# Back up the database named by DATABASE_URL with pg_dump, restore the dump into a
# scratch database beside it, and compare the row count of every table.
#
#   DATABASE_URL=postgres://user@host:5432/digitale_hilfe scripts/backup_restore_check.sh [DUMP]
#
# DUMP (default: a temporary file, removed afterwards) is where the backup is written, in
# pg_dump's custom format, so the same command makes the nightly backup and proves that
# it can be restored. The scratch database (RESTORE_CHECK_DB, default <name>_restore_check)
# is dropped and made afresh; the user needs CREATEDB. Exit status 0 only if every table
# has the same number of rows after the restore.
set -eu

: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "needs PostgreSQL: DATABASE_URL is not a postgres:// URL" >&2; exit 2 ;;
esac

base="${DATABASE_URL%%\?*}"
name="${base##*/}"
server="${base%/*}"
scratch="${RESTORE_CHECK_DB:-${name}_restore_check}"
scratch_url="$server/$scratch"
maintenance_url="$server/postgres"

workdir="$(mktemp -d)"
dump="${1:-$workdir/backup.dump}"
cleanup() {
  psql -q -X "$maintenance_url" -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

# One line per table: name|rows (exact counts, not the planner's estimates).
row_counts() {
  psql -X -A -t -q "$1" -c "
    SELECT table_name || '|' || (xpath('/row/c/text()', query_to_xml(
             format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),
             false, true, '')))[1]::text
      FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
     ORDER BY table_name"
}

pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"
psql -q -X -v ON_ERROR_STOP=1 "$maintenance_url" \
  -c "DROP DATABASE IF EXISTS \"$scratch\"" -c "CREATE DATABASE \"$scratch\""
pg_restore --no-owner --exit-on-error --dbname="$scratch_url" "$dump"

row_counts "$DATABASE_URL" >"$workdir/before"
row_counts "$scratch_url" >"$workdir/after"
tables="$(wc -l <"$workdir/before" | tr -d ' ')"
if [ "$tables" -eq 0 ]; then
  echo "no tables found in $name" >&2
  exit 1
fi
if ! diff -u "$workdir/before" "$workdir/after"; then
  echo "FAILED: row counts differ after restoring $name into $scratch" >&2
  exit 1
fi
cat "$workdir/before"
echo "OK: $tables tables restored from $(basename "$dump") with the same row counts"
