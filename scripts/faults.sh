#!/usr/bin/env bash
# Fault tests with real services (make faults): PostgreSQL stopped under
# load, Meilisearch killed during writes, one of two servers behind HAProxy
# killed. Nothing acknowledged may be lost. A few minutes; exits non-zero
# when a scenario fails. The scenarios live in scripts/faults/ (Go).
#
# Environment:
#   FAULTS_ARGS        extra flags for the driver, e.g. "-only pg -writers 12" (see go run ./scripts/faults -h)
#   FAULTS_SELF_CHECK  1: count a write that was never made as acknowledged; the run must then fail
#   KEEP=1             keep the temporary directory (logs, data) and print where it is
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

log() { printf 'faults: %s\n' "$*" >&2; }

command -v haproxy >/dev/null 2>&1 || apt_install haproxy || {
	log "haproxy is needed for the failover scenario"
	exit 1
}

# Short path: PostgreSQL's Unix socket lives below it.
DIR=$(mktemp -d /tmp/faults.XXXXXX)
readonly DIR

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	# The driver stops its children itself; these pid files remain only
	# when it died first.
	local f pid
	for f in "$DIR"/*.pid; do
		[[ -f $f ]] || continue
		pid=$(cat "$f")
		[[ $pid =~ ^[0-9]+$ ]] && kill -KILL -- "-$pid" 2>/dev/null
	done
	"$ROOT/scripts/services.sh" stop "$DIR" >>"$DIR/services.log" 2>&1 ||
		log "could not stop the services; see $DIR/services.log"
	if [[ ${KEEP:-0} == 1 ]]; then
		log "kept $DIR"
	else
		"$ROOT/scripts/services.sh" remove "$DIR" 2>>"$DIR/services.log" || log "could not remove $DIR"
		rm -rf -- "$DIR"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$ROOT"
log "building the server and the driver"
go build -o "$DIR/fachnetz" ./server
go build -o "$DIR/faults" ./scripts/faults

args=(-dir "$DIR" -bin "$DIR/fachnetz" -scripts "$ROOT/scripts")
[[ ${FAULTS_SELF_CHECK:-0} == 1 ]] && args+=(-self-check)
# shellcheck disable=SC2206 # word splitting of the extra flags is intended
[[ -n ${FAULTS_ARGS:-} ]] && args+=(${FAULTS_ARGS})
"$DIR/faults" "${args[@]}"
