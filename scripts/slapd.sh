#!/usr/bin/env bash
# A private OpenLDAP server (slapd from Debian) for the directory import tests.
#
#   scripts/slapd.sh start DIR   start slapd with its configuration and data in DIR
#                                (created if missing; existing data is reused)
#   scripts/slapd.sh stop DIR    stop it (idempotent)
#
# slapd listens on ldap://127.0.0.1:PORT/ only (a free port, reused on restart when
# still free). It never touches /etc/ldap or a system slapd: when apt has to install
# the package, its postinst is told to create no configuration and to start nothing,
# and a system slapd that runs anyway is stopped and disabled, never used.
#
# After `start`, DIR/env (mode 0600) holds KEY=value lines for `set -a; . DIR/env`:
#   FACHNETZ_TEST_LDAP_URL            ldap://127.0.0.1:PORT
#   FACHNETZ_TEST_LDAP_BIND_DN        cn=admin,dc=fachnetz,dc=test
#   FACHNETZ_TEST_LDAP_BIND_PASSWORD  the generated admin password
#   FACHNETZ_TEST_LDAP_BASE_DN        dc=fachnetz,dc=test
#
# Layout of DIR:
#   slapd.d/         cn=config, loaded with slapadd -n0 from config.ldif
#   data/            the MDB database of dc=fachnetz,dc=test
#   admin-password   the rootdn's password (0600, no newline), reused on restart
#   port             the port of the last start
#   slapd.pid        pid of the running slapd (it runs in the foreground under setsid)
#   slapd.log        slapd's output
#
# Environment:
#   SLAPD_TIMEOUT  seconds to wait for slapd to answer (default 30)
set -euo pipefail

SCRIPTS_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPTS_DIR
TIMEOUT=${SLAPD_TIMEOUT:-30}
readonly SUFFIX=dc=fachnetz,dc=test
readonly ROOTDN=cn=admin,$SUFFIX
LOG_NAME=slapd
# shellcheck source=scripts/lib.sh
. "$SCRIPTS_DIR/lib.sh"

SLAPD=""

find_slapd() {
	local d
	for d in /usr/sbin /usr/local/sbin /usr/lib/openldap; do
		if [[ -x $d/slapd && -e $d/slapadd ]]; then
			SLAPD=$d/slapd
			break
		fi
	done
	[[ -n $SLAPD ]] && command -v ldapsearch >/dev/null 2>&1 && command -v slappasswd >/dev/null 2>&1
}

# Stop and disable a system slapd that the package may have started: ours is the only one used.
stop_system_slapd() {
	if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
		systemctl disable --now slapd >/dev/null 2>&1 || true
	fi
	if [[ -x /etc/init.d/slapd ]] && pgrep -x slapd -a 2>/dev/null | grep -qv -- "-F "; then
		log "stopping the system slapd started by the package"
		/etc/init.d/slapd stop >/dev/null 2>&1 || true
	fi
	if command -v update-rc.d >/dev/null 2>&1 && [[ -x /etc/init.d/slapd ]]; then
		update-rc.d slapd disable >/dev/null 2>&1 || true
	fi
}

ensure_slapd() {
	find_slapd && return 0
	log "slapd or ldap-utils not found"
	is_root || command -v sudo >/dev/null 2>&1 || die "please install: slapd ldap-utils (apt-get install slapd ldap-utils), or run as root"
	local sudo=()
	is_root || sudo=(sudo)
	# No configuration and no database from the package: slapd/no_configuration.
	printf 'slapd slapd/no_configuration boolean true\n' | "${sudo[@]}" debconf-set-selections 2>/dev/null || true
	# Nothing the package installs may start a service: a policy-rc.d that forbids it,
	# only for the duration of the installation and only when none exists.
	local policy=/usr/sbin/policy-rc.d made_policy=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\n# Written by fachnetz scripts/slapd.sh during apt-get install; removed after.\nexit 101\n' |
			"${sudo[@]}" tee "$policy" >/dev/null
		"${sudo[@]}" chmod 0755 "$policy"
		made_policy=1
	fi
	local rc=0
	apt_install slapd ldap-utils || rc=$?
	if ((made_policy)); then "${sudo[@]}" rm -f "$policy"; fi
	((rc == 0)) || die "could not install slapd ldap-utils"
	stop_system_slapd
	find_slapd || die "slapd, slapadd, slappasswd or ldapsearch not found even after apt-get install slapd ldap-utils"
}

write_config() {
	local hash schema=/etc/ldap/schema
	[[ -f $schema/inetorgperson.ldif ]] || die "$schema/inetorgperson.ldif not found (package slapd)"
	# slappasswd reads the password from a file, never from the command line (visible in ps).
	hash=$(slappasswd -h '{SSHA}' -T "$DIR/admin-password") || die "slappasswd failed"
	local modpath=/usr/lib/ldap
	[[ -d $modpath ]] || modpath=$(dirname "$(find /usr/lib -name 'back_mdb.so*' -print -quit 2>/dev/null)")
	cat >"$DIR/config.ldif" <<-LDIF
		dn: cn=config
		objectClass: olcGlobal
		cn: config
		olcLogLevel: none

		dn: cn=module{0},cn=config
		objectClass: olcModuleList
		cn: module{0}
		olcModulePath: $modpath
		olcModuleLoad: back_mdb

		dn: cn=schema,cn=config
		objectClass: olcSchemaConfig
		cn: schema

		include: file://$schema/core.ldif

		include: file://$schema/cosine.ldif

		include: file://$schema/nis.ldif

		include: file://$schema/inetorgperson.ldif

		dn: olcDatabase={-1}frontend,cn=config
		objectClass: olcDatabaseConfig
		objectClass: olcFrontendConfig
		olcDatabase: {-1}frontend
		olcSizeLimit: unlimited

		dn: olcDatabase={0}config,cn=config
		objectClass: olcDatabaseConfig
		olcDatabase: {0}config
		olcAccess: {0}to * by * none

		dn: olcDatabase={1}mdb,cn=config
		objectClass: olcDatabaseConfig
		objectClass: olcMdbConfig
		olcDatabase: {1}mdb
		olcSuffix: $SUFFIX
		olcRootDN: $ROOTDN
		olcRootPW: $hash
		olcDbDirectory: $DIR/data
		olcDbMaxSize: 1073741824
		olcDbIndex: objectClass eq
		olcLimits: {0}* size=unlimited time=unlimited
		olcAccess: {0}to attrs=userPassword by anonymous auth by * none
		olcAccess: {1}to * by users read by * none
	LDIF
	cat >"$DIR/base.ldif" <<-LDIF
		dn: $SUFFIX
		objectClass: dcObject
		objectClass: organization
		dc: fachnetz
		o: Fachnetz Test
	LDIF
	rm -rf "$DIR/slapd.d" "$DIR/data"
	mkdir -p "$DIR/slapd.d" "$DIR/data"
	chmod 0700 "$DIR/slapd.d" "$DIR/data"
	slapadd -F "$DIR/slapd.d" -n0 -l "$DIR/config.ldif" >>"$DIR/slapd.log" 2>&1 ||
		{
			tail -n 20 "$DIR/slapd.log" >&2
			die "slapadd -n0 (configuration) failed"
		}
	slapadd -F "$DIR/slapd.d" -n1 -l "$DIR/base.ldif" >>"$DIR/slapd.log" 2>&1 ||
		{
			tail -n 20 "$DIR/slapd.log" >&2
			die "slapadd -n1 (base entry) failed"
		}
}

answers() { # answers PORT: true when slapd accepts our bind and finds the suffix
	timeout 5 ldapsearch -x -LLL -H "ldap://127.0.0.1:$1" -D "$ROOTDN" -y "$DIR/admin-password" \
		-b "$SUFFIX" -s base dn >/dev/null 2>&1
}

cmd_start() {
	stop_on_failed_start
	ensure_slapd
	touch "$DIR/slapd.log"
	if [[ ! -s $DIR/admin-password ]]; then
		(umask 077 && random_hex 24 | tr -d '\n' >"$DIR/admin-password")
	fi
	chmod 0600 "$DIR/admin-password"
	[[ -f $DIR/slapd.d/cn=config.ldif && -f $DIR/data/data.mdb ]] || write_config

	if ! running slapd "$DIR/slapd.pid" "-F $DIR/slapd.d"; then
		log "starting slapd on ldap://127.0.0.1:$SERVICE_PORT"
		# -d 0: stay in the foreground (we keep the pid). Running as root, it can read
		# DIR whatever its mode.
		spawn "$DIR" "$DIR/slapd.pid" "$DIR/slapd.log" \
			"$SLAPD" -d 0 -F "$DIR/slapd.d" -h "ldap://127.0.0.1:$SERVICE_PORT/"
	fi
	local pid=$SERVICE_PID port=$SERVICE_PORT

	wait_for "$TIMEOUT" "$pid" answers "$port" ||
		not_ready slapd "$pid" "ldap://127.0.0.1:$port" "$DIR/slapd.log" || exit 1

	write_private "$DIR/env" \
		"FACHNETZ_TEST_LDAP_URL=ldap://127.0.0.1:$port" \
		"FACHNETZ_TEST_LDAP_BIND_DN=$ROOTDN" \
		"FACHNETZ_TEST_LDAP_BIND_PASSWORD=$(cat "$DIR/admin-password")" \
		"FACHNETZ_TEST_LDAP_BASE_DN=$SUFFIX"
	trap - EXIT INT TERM
	log "ready: ldap://127.0.0.1:$port ($SUFFIX); environment in $DIR/env"
}

cmd_stop() {
	[[ -d $DIR ]] || return 0
	stop_service slapd "$DIR/slapd.pid" "-F $DIR/slapd.d"
}

service_main "start|stop" "$@"
