#!/usr/bin/env bash
# A private Matrix homeserver (Dendrite) with three accounts for the Matrix tests.
#
#   scripts/dendrite.sh start DIR   start Dendrite with its configuration and data in DIR
#                                   (created if missing; existing data is reused)
#   scripts/dendrite.sh stop DIR    stop it (idempotent)
#
# Dendrite is built once from the Go module proxy (go install github.com/matrix-org/dendrite/
# cmd/...@VERSION, with cgo for SQLite) into .cache/bin/dendrite-VERSION/ of the checkout;
# later starts reuse those binaries. It serves plain HTTP on 127.0.0.1 only, on a free port
# (reused on restart when still free), with server name localhost, SQLite databases in DIR,
# federation off, registration closed (accounts come from create-account through the shared
# secret) and rate limiting off, since tests send many messages.
#
# After `start`, DIR/env (mode 0600) holds KEY=value lines for `set -a; . DIR/env`:
#   FACHNETZ_MATRIX_HOMESERVER        http://127.0.0.1:PORT
#   FACHNETZ_MATRIX_USER              @fachnetz-bot:localhost
#   FACHNETZ_MATRIX_TOKEN             the bot's access token
#   FACHNETZ_TEST_MATRIX_ALICE        @alice:localhost
#   FACHNETZ_TEST_MATRIX_ALICE_TOKEN  alice's access token
#   FACHNETZ_TEST_MATRIX_BOB          @bob:localhost
#   FACHNETZ_TEST_MATRIX_BOB_TOKEN    bob's access token
#
# Layout of DIR:
#   dendrite.yaml      configuration (generate-config, then adjusted), written once
#   matrix_key.pem     the server's signing key (generate-keys), written once
#   passwords          the accounts' generated passwords (0600), reused on restart
#   *.db, jetstream/, media/, searchindex/, log/   Dendrite's data
#   port               the port of the last start
#   dendrite.pid       pid of the running Dendrite (under setsid)
#   dendrite.log       its output
#
# Environment:
#   DENDRITE_TIMEOUT  seconds to wait for Dendrite to answer (default 60)
set -euo pipefail

readonly DENDRITE_VERSION=v0.13.8
readonly SERVER_NAME=localhost
readonly ACCOUNTS=(fachnetz-bot alice bob)
SCRIPTS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
ROOT=$(cd -- "$SCRIPTS_DIR/.." && pwd)
readonly ROOT
readonly BINDIR=$ROOT/.cache/bin/dendrite-$DENDRITE_VERSION
TIMEOUT=${DENDRITE_TIMEOUT:-60}
LOG_NAME=dendrite
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"

ensure_tools() {
	command -v curl >/dev/null 2>&1 || apt_install curl || die "could not install curl"
	command -v python3 >/dev/null 2>&1 || apt_install python3 || die "could not install python3"
	python3 -c 'import yaml' 2>/dev/null || apt_install python3-yaml || die "could not install python3-yaml"
	python3 -c 'import yaml' 2>/dev/null || die "python3 cannot import yaml (python3-yaml) even after installing it"
	local pkgs=() c
	for c in dendrite generate-keys generate-config create-account; do
		pkgs+=("github.com/matrix-org/dendrite/cmd/$c@$DENDRITE_VERSION")
	done
	if [[ ! -x $BINDIR/dendrite ]]; then
		command -v gcc >/dev/null 2>&1 || apt_install gcc libc6-dev || die "could not install gcc (Dendrite's SQLite needs cgo)"
	fi
	CGO_ENABLED=1 go_install_cached "$BINDIR" "Dendrite $DENDRITE_VERSION" "${pkgs[@]}" ||
		die "could not build Dendrite $DENDRITE_VERSION"
}


write_config() {
	log "generating the signing key and configuration in $DIR"
	rm -f "$DIR/matrix_key.pem" "$DIR/dendrite.yaml"
	"$BINDIR/generate-keys" -private-key "$DIR/matrix_key.pem" >>"$DIR/dendrite.log" 2>&1 ||
		die "generate-keys failed; see $DIR/dendrite.log"
	"$BINDIR/generate-config" -server "$SERVER_NAME" -dir "$DIR" >"$DIR/dendrite.yaml.generated" 2>>"$DIR/dendrite.log" ||
		die "generate-config failed; see $DIR/dendrite.log"
	# The shared secret goes through the environment, not the command line (visible in ps).
	SECRET=$(random_hex 32) python3 - "$DIR" <<-'PY' || die "could not adjust the Dendrite configuration"
		import os, sys, yaml
		d = sys.argv[1]
		with open(os.path.join(d, "dendrite.yaml.generated")) as f:
		    cfg = yaml.safe_load(f)
		g = cfg["global"]
		g["private_key"] = os.path.join(d, "matrix_key.pem")
		g["disable_federation"] = True
		g.setdefault("report_stats", {})["enabled"] = False
		c = cfg["client_api"]
		c["registration_disabled"] = True
		c["registration_shared_secret"] = os.environ["SECRET"]
		c["rate_limiting"]["enabled"] = False
		# Never ask matrix.org for keys: nothing here leaves the machine.
		cfg["federation_api"]["key_perspectives"] = []
		# Test accounts: the cheapest bcrypt cost.
		cfg["user_api"]["bcrypt_cost"] = 4
		for hook in cfg.get("logging") or []:
		    hook["level"] = "warn"
		with open(os.path.join(d, "dendrite.yaml.tmp"), "w") as f:
		    yaml.safe_dump(cfg, f, default_flow_style=False)
	PY
	chmod 0600 "$DIR/dendrite.yaml.tmp"
	mv -f "$DIR/dendrite.yaml.tmp" "$DIR/dendrite.yaml"
	rm -f "$DIR/dendrite.yaml.generated"
}

# password USER: the account's password, generated on first use and kept in DIR/passwords.
password() {
	local pw
	pw=$(sed -n "s/^$1=//p" "$DIR/passwords" 2>/dev/null | tail -n 1)
	if [[ -z $pw ]]; then
		pw=$(random_hex 16)
		(umask 077 && printf '%s=%s\n' "$1" "$pw" >>"$DIR/passwords")
	fi
	echo "$pw"
}

# login USER PORT: print an access token for USER (a new device each time), or fail.
login() {
	local body resp
	body=$(printf '{"type":"m.login.password","identifier":{"type":"m.id.user","user":"%s"},"password":"%s","initial_device_display_name":"fachnetz tests"}' \
		"$1" "$(password "$1")")
	# The password goes through stdin, not the command line (visible in ps).
	resp=$(curl -sS -m 30 -H 'Content-Type: application/json' --data-binary @- \
		"http://127.0.0.1:$2/_matrix/client/v3/login" <<<"$body") || return 1
	python3 -c 'import json, sys; print(json.loads(sys.argv[1])["access_token"])' "$resp" 2>/dev/null || {
		printf 'dendrite: POST /_matrix/client/v3/login for %s answered: %s\n' "$1" "$resp" >&2
		return 1
	}
}

# ensure_account USER PORT: create USER unless it exists (a login with its password works).
ensure_account() {
	local out
	if grep -q "^$1=" "$DIR/passwords" 2>/dev/null && login "$1" "$2" >/dev/null 2>&1; then
		return 0
	fi
	out=$(password "$1" | "$BINDIR/create-account" -config "$DIR/dendrite.yaml" -username "$1" \
		-passwordstdin -url "http://127.0.0.1:$2" 2>&1) || {
		printf '%s\n' "$out" >&2
		die "create-account $1 failed"
	}
	log "created account @$1:$SERVER_NAME"
}

cmd_start() {
	stop_on_failed_start
	touch "$DIR/dendrite.log"
	ensure_tools
	[[ -f $DIR/dendrite.yaml && -f $DIR/matrix_key.pem ]] || write_config

	if ! running Dendrite "$DIR/dendrite.pid" "-config $DIR/dendrite.yaml"; then
		log "starting Dendrite $DENDRITE_VERSION on http://127.0.0.1:$SERVICE_PORT"
		# No HTTPS listener without -tls-cert/-tls-key. Relative paths in the configuration
		# would be taken from the working directory: DIR.
		spawn "$DIR" "$DIR/dendrite.pid" "$DIR/dendrite.log" \
			"$BINDIR/dendrite" -config "$DIR/dendrite.yaml" -http-bind-address "127.0.0.1:$SERVICE_PORT"
	fi
	local pid=$SERVICE_PID port=$SERVICE_PORT

	wait_http Dendrite "$pid" "$port" /_matrix/client/versions "$DIR/dendrite.log"

	local user
	declare -A token=()
	for user in "${ACCOUNTS[@]}"; do
		ensure_account "$user" "$port"
		token[$user]=$(login "$user" "$port") || die "could not log $user in"
	done

	write_private "$DIR/env" \
		"FACHNETZ_MATRIX_HOMESERVER=http://127.0.0.1:$port" \
		"FACHNETZ_MATRIX_USER=@fachnetz-bot:$SERVER_NAME" \
		"FACHNETZ_MATRIX_TOKEN=${token[fachnetz-bot]}" \
		"FACHNETZ_TEST_MATRIX_ALICE=@alice:$SERVER_NAME" \
		"FACHNETZ_TEST_MATRIX_ALICE_TOKEN=${token[alice]}" \
		"FACHNETZ_TEST_MATRIX_BOB=@bob:$SERVER_NAME" \
		"FACHNETZ_TEST_MATRIX_BOB_TOKEN=${token[bob]}"
	trap - EXIT INT TERM
	log "ready: http://127.0.0.1:$port (@fachnetz-bot, @alice, @bob on $SERVER_NAME); environment in $DIR/env"
}

cmd_stop() {
	[[ -d $DIR ]] || return 0
	stop_service Dendrite "$DIR/dendrite.pid" "-config $DIR/dendrite.yaml"
}

service_main "start|stop" "$@"
