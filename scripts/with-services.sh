#!/usr/bin/env bash
# Run one command against private PostgreSQL, Meilisearch, OpenLDAP (slapd), Mailpit (SMTP)
# and Dendrite (Matrix) instances:
#
#   scripts/with-services.sh [--keep DIR] -- CMD ARGS...
#   scripts/with-services.sh -- go test ./server/postgres/
#
# Without --keep the services live in a fresh temporary directory that is removed
# afterwards; with --keep DIR they use (and keep) DIR. Either way they are stopped
# when CMD ends, fails or the script is interrupted. The exit status is CMD's.
# As root, PostgreSQL runs as the user postgres: when it cannot reach DIR (TMPDIR or
# --keep in /root), its cluster lives in /var/lib/fachnetz-dev/ (scripts/services.sh).
#
# CMD sees DIR/env (FACHNETZ_DATABASE_URL, FACHNETZ_MEILI_URL, FACHNETZ_MEILI_KEY) plus
#   FACHNETZ_TEST_DATABASE_URL, FACHNETZ_TEST_MEILI_URL, FACHNETZ_TEST_MEILI_KEY,
#   FACHNETZ_TEST_LDAP_URL, _BIND_DN, _BIND_PASSWORD, _BASE_DN (DIR/ldap/env, scripts/slapd.sh),
#   FACHNETZ_SMTP_HOST, _PORT, _TLS (none), _FROM, FACHNETZ_TEST_MAILPIT_URL
#     (DIR/mailpit/env, scripts/mailpit.sh),
#   FACHNETZ_MATRIX_HOMESERVER, FACHNETZ_MATRIX_USER, FACHNETZ_MATRIX_TOKEN (the bot),
#   FACHNETZ_TEST_MATRIX_ALICE, _ALICE_TOKEN, _BOB, _BOB_TOKEN (DIR/dendrite/env, scripts/dendrite.sh)
# and FACHNETZ_SERVICES_DIR=DIR.
set -euo pipefail

SCRIPTS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
LOG_NAME=with-services
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"

usage() {
	echo "usage: $0 [--keep DIR] -- CMD ARGS..." >&2
	exit 2
}

keep=""
while (($#)); do
	case $1 in
	--keep)
		(($# >= 2)) || usage
		keep=$2
		shift 2
		;;
	--keep=*)
		keep=${1#--keep=}
		shift
		;;
	--)
		shift
		break
		;;
	*) usage ;;
	esac
done
(($#)) || usage

dir=""
remove=0
# shellcheck disable=SC2317 # called by trap
cleanup() {
	local rc=$?
	cleaning_up
	stop_services || rc=1
	# remove also deletes a PostgreSQL cluster kept outside $dir (scripts/services.sh).
	if ((remove)); then
		"$SCRIPTS_DIR/services.sh" remove "$dir" || rc=1
		rm -rf -- "$dir"
	fi
	exit "$rc"
}
exit_through cleanup

if [[ -n $keep ]]; then
	mkdir -p -- "$keep"
	dir=$(cd -- "$keep" && pwd)
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/fachnetz-services.XXXXXX")
	remove=1
fi

# swaks sends the mail-in tests' mail as a mail server would (server/mail_reply_test.go).
command -v swaks >/dev/null 2>&1 || apt_install swaks ||
	die "could not install swaks (SMTP client of the mail-in tests)"
start_service services "$dir"
start_service slapd "$dir/ldap" || die "slapd (OpenLDAP) did not start"
start_service mailpit "$dir/mailpit" || die "Mailpit did not start"
start_service dendrite "$dir/dendrite" || die "Dendrite (Matrix) did not start"

set -a
# shellcheck source=/dev/null
. "$dir/env"
# shellcheck source=/dev/null
. "$dir/ldap/env"
# shellcheck source=/dev/null
. "$dir/mailpit/env"
# shellcheck source=/dev/null
. "$dir/dendrite/env"
set +a
export FACHNETZ_TEST_DATABASE_URL=$FACHNETZ_DATABASE_URL
export FACHNETZ_TEST_MEILI_URL=$FACHNETZ_MEILI_URL
export FACHNETZ_TEST_MEILI_KEY=$FACHNETZ_MEILI_KEY
export FACHNETZ_SERVICES_DIR=$dir

status=0
"$@" || status=$?
exit "$status"
