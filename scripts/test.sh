#!/usr/bin/env bash
# make test: everything, against real services, stopping at the first failure.
#
#   1. private PostgreSQL and Meilisearch in a temporary directory (FAST=1), a private
#      OpenLDAP (scripts/slapd.sh) for the directory import tests, Mailpit (scripts/mailpit.sh)
#      for e-mail and Dendrite (scripts/dendrite.sh) for Matrix; the last two are built from
#      the Go module proxy on the first run and cached in .cache/bin/
#   2. gofmt -l (must list nothing), go vet ./...
#   3. go test -race -count=1 ./...        (FACHNETZ_TEST_* point at the services; so do
#      FACHNETZ_SMTP_HOST/_PORT/_TLS/_FROM and FACHNETZ_MATRIX_HOMESERVER/_USER/_TOKEN, with
#      FACHNETZ_TEST_MAILPIT_URL and FACHNETZ_TEST_MATRIX_ALICE/_ALICE_TOKEN/_BOB/_BOB_TOKEN)
#   4. go build ./server, fachnetz migrate and seed, the test OpenID provider (scripts/oidc, oidc-provider
#      from npm) on a free port, fachnetz serve on a free port with OIDC sign-in on, wait for /readyz
#   5. browser tests: node --test frontend/e2e/ in headless Chromium (playwright-core, axe-core)
#
# While working on one thing, two variables narrow the run (make test sets neither):
#   TEST_GO=0                     skip steps 2 and 3
#   TEST_E2E="frontend/e2e/a.test.mjs …"   only these browser test files
#
# Screenshots go to .artifacts/e2e/; on failure the service, provider and server logs are
# copied to .artifacts/logs/. Whatever happens (failure, Ctrl-C, SIGTERM) the server, the
# OpenID provider and the services are stopped and the temporary directory is removed.
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}
ARTIFACTS=$ROOT/.artifacts
READY_TIMEOUT=${READY_TIMEOUT:-60}
TIMEOUT=$READY_TIMEOUT # wait_http
LOG_NAME="test"

section() { printf '\n== %s\n' "$*" >&2; }
fail() {
	printf 'test: FAILED: %s\n' "$*" >&2
	exit 1
}

rm -rf -- "$ARTIFACTS/e2e" "$ARTIFACTS/logs" # artifacts of this run only
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fachnetz-test.XXXXXX")
# As root, PostgreSQL runs as user postgres: reaching $TMP/services, it keeps its cluster
# there; otherwise (TMPDIR in /root) in /var/lib/fachnetz-dev/ (scripts/services.sh).
chmod 0711 "$TMP"
SVC=$TMP/services
step_pid=""
server_pid=""
provider_pid=""

# shellcheck disable=SC2317 # called by trap
cleanup() {
	local rc=$?
	cleaning_up
	if [[ -n $step_pid ]]; then
		log "stopping the running step"
		stop_pid_group "$step_pid" 10
	fi
	stop_pid_group "$server_pid" 15
	stop_pid_group "$provider_pid" 10
	stop_services || rc=1
	if ((rc != 0)); then
		mkdir -p "$ARTIFACTS/logs"
		cp -f "$TMP"/*.log "$SVC"/*.log "$TMP"/ldap/*.log "$TMP"/mailpit/*.log \
			"$TMP"/dendrite/*.log "$ARTIFACTS/logs/" 2>/dev/null || true
		echo "test: FAILED (exit $rc); logs in ${ARTIFACTS#"$ROOT"/}/logs/" >&2
	else
		echo "test: all passed" >&2
	fi
	# remove also deletes a PostgreSQL cluster kept outside $TMP (scripts/services.sh).
	"$ROOT/scripts/services.sh" remove "$SVC" || echo "test: could not remove $SVC" >&2
	rm -rf -- "$TMP"
	exit "$rc"
}
exit_through cleanup

# run CMD...: run a step in its own process group, so that an interrupt stops all of
# it (go test's test binaries, Chromium), not just the first process.
run() {
	setsid -w "$@" &
	step_pid=$!
	local rc=0
	wait "$step_pid" || rc=$?
	step_pid=""
	return "$rc"
}

section "services (PostgreSQL, Meilisearch)"
FAST=1 start_service services "$SVC"
set -a
# shellcheck source=/dev/null
. "$SVC/env"
set +a
export FACHNETZ_TEST_DATABASE_URL=$FACHNETZ_DATABASE_URL
export FACHNETZ_TEST_MEILI_URL=$FACHNETZ_MEILI_URL
export FACHNETZ_TEST_MEILI_KEY=$FACHNETZ_MEILI_KEY

section "OpenLDAP (slapd)"
start_service slapd "$TMP/ldap" || fail "slapd (OpenLDAP) did not start; see the lines above"
set -a
# shellcheck source=/dev/null
. "$TMP/ldap/env" # FACHNETZ_TEST_LDAP_*
set +a

section "Mailpit (SMTP)"
start_service mailpit "$TMP/mailpit" || fail "Mailpit did not start; see the lines above"
set -a
# shellcheck source=/dev/null
. "$TMP/mailpit/env" # FACHNETZ_SMTP_*, FACHNETZ_TEST_MAILPIT_URL
set +a

section "Dendrite (Matrix)"
start_service dendrite "$TMP/dendrite" || fail "Dendrite did not start; see the lines above"
set -a
# shellcheck source=/dev/null
. "$TMP/dendrite/env" # FACHNETZ_MATRIX_*, FACHNETZ_TEST_MATRIX_*
set +a

# The German word list splits compound words for search (server/search/german).
[[ -f /usr/share/dict/ngerman ]] || apt_install wngerman || fail "could not install wngerman (German word list)"
# swaks sends the mail-in tests' mail as a mail server would (server/mail_reply_test.go).
command -v swaks >/dev/null 2>&1 || apt_install swaks || fail "could not install swaks (SMTP client of the mail-in tests)"
if [[ ${TEST_GO:-1} != 0 ]]; then
	section "gofmt and go vet"
	unformatted=$(gofmt -l .)
	[[ -z $unformatted ]] || fail "not formatted with gofmt: $unformatted"
	run go vet ./...

	section "go test"
	# The server package runs whole servers against real services: about eight
	# minutes on two quiet cores, more beside other work; go test would stop it
	# at ten.
	run go test -race -count=1 -timeout 30m ./...
fi

section "build"
run go build -o "$TMP/fachnetz" ./server

section "migrate and seed"
run "$TMP/fachnetz" migrate
# The browser tests see a populated instance, as people do: the demo agencies, org
# charts, people with skills. Tests still create their own accounts and content.
run "$TMP/fachnetz" seed

# shellcheck disable=SC2119
port=$(free_port)
export FACHNETZ_ADDR=127.0.0.1:$port
export FACHNETZ_DATA_DIR=$TMP/data
export FACHNETZ_BASE_URL=http://127.0.0.1:$port
export FACHNETZ_WEBHOOK_ALLOW_PRIVATE=true # the webhook browser test registers a closed local port

section "OpenID provider (oidc-provider)"
# A real, OpenID-certified provider for "Mit Dienstkonto anmelden"; fachnetz serve runs
# OIDC discovery at start-up, so the provider must answer first.
command -v node >/dev/null 2>&1 || fail "node not found; install Node.js 20 or newer"
"$ROOT/scripts/npm-ci.sh" "$ROOT/scripts/oidc"
oidc_port=$(free_port "$port")
OIDC_CLIENT_SECRET=fachnetz-test-$(random_hex 16)
export OIDC_CLIENT_SECRET
setsid node "$ROOT/scripts/oidc/provider.mjs" --port "$oidc_port" \
	--redirect-uri "$FACHNETZ_BASE_URL/anmelden/dienstkonto/zurueck" </dev/null >"$TMP/oidc-provider.log" 2>&1 &
provider_pid=$!
echo "test: OpenID provider (pid $provider_pid) on http://127.0.0.1:$oidc_port, log in $TMP/oidc-provider.log" >&2
wait_http "the OpenID provider" "$provider_pid" "$oidc_port" /.well-known/openid-configuration "$TMP/oidc-provider.log" ||
	fail "the OpenID provider did not become ready within ${READY_TIMEOUT}s"
echo "test: the OpenID provider's discovery document answered 200" >&2
export FACHNETZ_OIDC_ISSUER=http://127.0.0.1:$oidc_port
export FACHNETZ_OIDC_CLIENT_ID=fachnetz
export FACHNETZ_OIDC_CLIENT_SECRET=$OIDC_CLIENT_SECRET

section "serve"
mkdir -p "$FACHNETZ_DATA_DIR"
setsid "$TMP/fachnetz" serve </dev/null >"$TMP/server.log" 2>&1 &
server_pid=$!
echo "test: fachnetz serve (pid $server_pid) on $FACHNETZ_BASE_URL, log in $TMP/server.log" >&2
wait_http "fachnetz serve" "$server_pid" "$port" /readyz "$TMP/server.log" ||
	fail "the server did not become ready within ${READY_TIMEOUT}s"
echo "test: /readyz answered 200" >&2

section "browser tests"
if [[ ! -x $CHROMIUM_BIN ]]; then
	if [[ $CHROMIUM_BIN == /usr/bin/chromium ]]; then
		apt_install chromium || fail "could not install chromium"
	fi
	[[ -x $CHROMIUM_BIN ]] || fail "Chromium not found at $CHROMIUM_BIN"
fi
command -v node >/dev/null 2>&1 || fail "node not found; install Node.js 20 or newer"
"$ROOT/scripts/npm-ci.sh" "$ROOT/frontend"
"$ROOT/scripts/assets.sh" --check
mkdir -p "$ARTIFACTS/e2e"
export FACHNETZ_E2E_BASE_URL=$FACHNETZ_BASE_URL
export FACHNETZ_E2E_OIDC_ISSUER=$FACHNETZ_OIDC_ISSUER # the provider's pages are its origin
export FACHNETZ_BIN=$TMP/fachnetz # the tests create agencies and accounts with it
export CHROMIUM_BIN
export FACHNETZ_E2E_ARTIFACTS=$ARTIFACTS/e2e
# shellcheck disable=SC2086 # TEST_E2E is a list of files
run node --test --test-concurrency=1 --test-reporter=spec ${TEST_E2E:-frontend/e2e/}
echo "test: screenshots in ${ARTIFACTS#"$ROOT"/}/e2e/" >&2

# A server or provider that crashed during the browser tests is a failure too.
kill -0 "$server_pid" 2>/dev/null || fail "fachnetz serve exited during the browser tests"
kill -0 "$provider_pid" 2>/dev/null || fail "the OpenID provider exited during the browser tests"
