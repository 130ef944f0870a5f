#!/usr/bin/env bash
# make run: a local instance with demo content.
#
#   - private PostgreSQL and Meilisearch under .data/ (kept between runs), and Mailpit under
#     .data/mailpit/ (scripts/mailpit.sh): the instance sends its mails there (FACHNETZ_SMTP_*),
#     and they can be read in Mailpit's web UI, whose address is printed with the server's.
#     As root, PostgreSQL runs as the user postgres; when it cannot reach the checkout (a
#     clone in /root), its cluster lives in /var/lib/fachnetz-dev/<hash>/pg, linked from
#     .data/pg (scripts/services.sh); deleting .data/ starts afresh either way
#   - builds .data/bin/fachnetz, runs `fachnetz migrate` and `fachnetz seed` (idempotent)
#   - writes .data/env (0600) with every FACHNETZ_* variable of the running instance, so that
#       set -a; . .data/env; go run ./server users add ...
#     reaches it
#   - runs `fachnetz serve` until Ctrl-C (or SIGTERM), then stops it and the services
#
# FACHNETZ_ADDR (127.0.0.1:8080), FACHNETZ_DATA_DIR (.data/files) and FACHNETZ_BASE_URL
# (http://127.0.0.1:8080, or derived from FACHNETZ_ADDR) may be set by the caller.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG_NAME=run
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

DATA=$ROOT/.data
BIN=$DATA/bin/fachnetz

# Settings the caller may override (read before .data/env is sourced).
addr=${FACHNETZ_ADDR:-127.0.0.1:8080}
data_dir=${FACHNETZ_DATA_DIR:-$DATA/files}
base_url=${FACHNETZ_BASE_URL:-http://$addr}
base_url=${base_url/\/\/0.0.0.0:/\/\/127.0.0.1:}
port=${addr##*:}
[[ $port =~ ^[0-9]+$ ]] || die "FACHNETZ_ADDR=$addr: expected host:port"

# Other FACHNETZ_* settings of the caller (e.g. FACHNETZ_OIDC_*) go into .data/env too,
# so that operator commands see the same configuration as the server.
declare -A extra=()
while IFS= read -r name; do
	case $name in
	FACHNETZ_ADDR | FACHNETZ_DATA_DIR | FACHNETZ_BASE_URL | FACHNETZ_DATABASE_URL | \
		FACHNETZ_MEILI_URL | FACHNETZ_MEILI_KEY | FACHNETZ_TEST_* | FACHNETZ_E2E_*) ;;
	*) extra[$name]=${!name} ;;
	esac
done < <(compgen -e | grep '^FACHNETZ_' || true)

watcher_pid=""
server_pid=""
# shellcheck disable=SC2317 # called by trap
cleanup() {
	local rc=$?
	cleaning_up
	if [[ -n $watcher_pid ]]; then kill "$watcher_pid" 2>/dev/null; fi
	if [[ -n $server_pid ]]; then
		log "stopping fachnetz serve"
		stop_pid_group "$server_pid" 30
	fi
	stop_services || rc=1
	exit "$rc"
}
exit_through cleanup

if port_in_use "$port"; then
	die "port $port is already in use (another make run?); set FACHNETZ_ADDR=127.0.0.1:PORT to use another one"
fi

mkdir -p "$DATA/bin" "$data_dir"
start_service services "$DATA"
start_service mailpit "$DATA/mailpit"
mailpit_url=$(sed -n 's/^FACHNETZ_TEST_MAILPIT_URL=//p' "$DATA/mailpit/env")

# env value quoting: plain when safe, else shell-quoted.
env_line() {
	if [[ $2 =~ ^[A-Za-z0-9_./:@?=\&%+,~-]*$ ]]; then
		printf '%s=%s\n' "$1" "$2"
	else
		printf '%s=%q\n' "$1" "$2"
	fi
}

# .data/env: the services' variables plus the server's own.
{
	grep '^FACHNETZ_' "$DATA/env"
	# Mailpit's SMTP settings, unless the caller set their own.
	while IFS= read -r line; do
		[[ -v extra[${line%%=*}] ]] || printf '%s\n' "$line"
	done < <(grep '^FACHNETZ_SMTP_' "$DATA/mailpit/env")
	# Mail in: threads sent to fachnetz+<space>@fachnetz.test on this port
	# become drafts (README, "Mail in").
	[[ -v extra[FACHNETZ_MAIL_IN_LISTEN] ]] || env_line FACHNETZ_MAIL_IN_LISTEN 127.0.0.1:2525
	[[ -v extra[FACHNETZ_MAIL_IN_ADDRESS] ]] || env_line FACHNETZ_MAIL_IN_ADDRESS fachnetz@fachnetz.test
	env_line FACHNETZ_ADDR "$addr"
	env_line FACHNETZ_DATA_DIR "$data_dir"
	env_line FACHNETZ_BASE_URL "$base_url"
	for name in "${!extra[@]}"; do env_line "$name" "${extra[$name]}"; done
} >"$DATA/env.new"
chmod 0600 "$DATA/env.new"
mv -f "$DATA/env.new" "$DATA/env"

set -a
# shellcheck source=/dev/null
. "$DATA/env"
set +a

log "building $BIN"
go build -o "$BIN" ./server

# The German word list splits compound words for search; without it search
# works, only finds less.
[[ -f /usr/share/dict/ngerman ]] || apt_install wngerman || log "wngerman not installed: compound words are not split"
log "fachnetz migrate"
"$BIN" migrate

log "fachnetz seed (demo content, only once)"
"$BIN" seed

# Announce the URL as soon as the server is ready.
(
	for ((i = 0; i < 240; i++)); do
		if [[ $(http_status "$port" /readyz || true) == 200 ]]; then
			printf '\n  Fachnetz is ready: %s\n  Mails it sends (Mailpit): %s\n  Operator commands: set -a; . .data/env; go run ./server ...\n  Stop with Ctrl-C.\n\n' "$base_url" "$mailpit_url" >&2
			exit 0
		fi
		sleep 0.25
	done
	log "the server did not answer /readyz within 60s"
) &
watcher_pid=$!

log "fachnetz serve on $addr"
# In its own session: Ctrl-C (or a SIGTERM to this script) reaches the trap above, which
# stops the server gracefully with SIGTERM and then the services.
setsid "$BIN" serve </dev/null &
server_pid=$!
status=0
wait "$server_pid" || status=$?
server_pid=""
exit "$status"
