#!/usr/bin/env bash
# A private Mailpit (SMTP server that keeps every mail, with an HTTP API and web UI) for
# the e-mail tests and the mails of `make run`.
#
#   scripts/mailpit.sh start DIR   start Mailpit with its data in DIR
#                                  (created if missing; existing mails are kept)
#   scripts/mailpit.sh stop DIR    stop it (idempotent)
#
# Mailpit is built once from the Go module proxy (go install github.com/axllent/mailpit@VERSION)
# into .cache/bin/mailpit-VERSION/ of the checkout; later starts reuse that binary.
# It listens on 127.0.0.1 only: SMTP and HTTP on free ports (reused on restart when still
# free), accepts any SMTP user and password over plain connections, and keeps all mails.
#
# After `start`, DIR/env (mode 0600) holds KEY=value lines for `set -a; . DIR/env`:
#   FACHNETZ_SMTP_HOST          127.0.0.1
#   FACHNETZ_SMTP_PORT          the SMTP port
#   FACHNETZ_SMTP_TLS           none (plain SMTP)
#   FACHNETZ_SMTP_FROM          fachnetz@fachnetz.test
#   FACHNETZ_TEST_MAILPIT_URL   http://127.0.0.1:HTTPPORT (API under /api/v1, web UI at /)
#
# Layout of DIR:
#   mailpit.db    Mailpit's SQLite database
#   ports         SMTP_PORT= and HTTP_PORT= of the last start
#   mailpit.pid   pid of the running Mailpit (under setsid)
#   mailpit.log   its output
#
# Environment:
#   MAILPIT_BIN      use this Mailpit binary instead of building the pinned version
#   MAILPIT_TIMEOUT  seconds to wait for Mailpit to answer (default 30)
set -euo pipefail

readonly MAILPIT_VERSION=v1.33.1
SCRIPTS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
ROOT=$(cd -- "$SCRIPTS_DIR/.." && pwd)
readonly ROOT
TIMEOUT=${MAILPIT_TIMEOUT:-30}
LOG_NAME=mailpit
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"

MAILPIT=""

ensure_mailpit() {
	if given_binary MAILPIT_BIN; then
		MAILPIT=$MAILPIT_BIN
		return 0
	fi
	local bindir=$ROOT/.cache/bin/mailpit-$MAILPIT_VERSION
	go_install_cached "$bindir" "Mailpit $MAILPIT_VERSION" "github.com/axllent/mailpit@$MAILPIT_VERSION" ||
		die "could not build Mailpit $MAILPIT_VERSION (go install github.com/axllent/mailpit@$MAILPIT_VERSION)"
	MAILPIT=$bindir/mailpit
}

mailpit_pid() { service_pid "$DIR/mailpit.pid" "--database $DIR/mailpit.db"; }

cmd_start() {
	stop_on_failed_start
	touch "$DIR/mailpit.log"

	local pid smtp_port http_port
	smtp_port=$(read_state "$DIR/ports" SMTP_PORT)
	http_port=$(read_state "$DIR/ports" HTTP_PORT)
	if pid=$(mailpit_pid); then
		[[ -n $smtp_port && -n $http_port ]] || die "Mailpit is already running (pid $pid) but its ports are unknown; stop it first"
		log "Mailpit already running (pid $pid): SMTP 127.0.0.1:$smtp_port, HTTP 127.0.0.1:$http_port"
	else
		ensure_mailpit
		smtp_port=$(reuse_port "$smtp_port" "$http_port")
		http_port=$(reuse_port "$http_port" "$smtp_port")
		printf 'SMTP_PORT=%s\nHTTP_PORT=%s\n' "$smtp_port" "$http_port" >"$DIR/ports.tmp"
		mv -f "$DIR/ports.tmp" "$DIR/ports"
		log "starting Mailpit $MAILPIT_VERSION: SMTP 127.0.0.1:$smtp_port, HTTP 127.0.0.1:$http_port"
		# No POP3 (it only starts with --pop3-auth-file), no version check (no internet),
		# no reverse DNS, no limit on the number of mails kept (tests send many).
		spawn "$DIR" "$DIR/mailpit.pid" "$DIR/mailpit.log" "$MAILPIT" \
			--database "$DIR/mailpit.db" \
			--listen "127.0.0.1:$http_port" \
			--smtp "127.0.0.1:$smtp_port" \
			--smtp-auth-accept-any --smtp-auth-allow-insecure \
			--smtp-disable-rdns \
			--disable-version-check \
			--max 0 \
			--label fachnetz
		pid=$SERVICE_PID
	fi

	wait_http Mailpit "$pid" "$http_port" /api/v1/info "$DIR/mailpit.log"
	# The HTTP API answering does not prove the SMTP listener is up.
	wait_for "$TIMEOUT" "$pid" port_in_use "$smtp_port" ||
		die "Mailpit's SMTP port 127.0.0.1:$smtp_port does not accept connections"

	write_private "$DIR/env" \
		"FACHNETZ_SMTP_HOST=127.0.0.1" \
		"FACHNETZ_SMTP_PORT=$smtp_port" \
		"FACHNETZ_SMTP_TLS=none" \
		"FACHNETZ_SMTP_FROM=fachnetz@fachnetz.test" \
		"FACHNETZ_TEST_MAILPIT_URL=http://127.0.0.1:$http_port"
	trap - EXIT INT TERM
	log "ready: SMTP 127.0.0.1:$smtp_port, web UI and API http://127.0.0.1:$http_port; environment in $DIR/env"
}

cmd_stop() {
	[[ -d $DIR ]] || return 0
	stop_service Mailpit "$DIR/mailpit.pid" "--database $DIR/mailpit.db"
}

service_main "start|stop" "$@"
