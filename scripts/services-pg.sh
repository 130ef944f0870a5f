# shellcheck shell=bash disable=SC2034 # STARTED_PG, PG_PORT and PG_PASSWORD are services.sh's
# The PostgreSQL half of scripts/services.sh, which sources it. It defines functions only;
# they use services.sh's DIR, TIMEOUT, log, die and port variables.
#
# Where the cluster lives: in DIR/pg, with its Unix socket and DIR/postgres.log, when the
# user that runs PostgreSQL can reach DIR. That user is the caller, or postgres when the
# caller is root; postgres cannot traverse a checkout in /root (mode 0700), and a Unix
# socket path has at most 107 bytes. In either case, as root, the cluster lives in
# PG_HOME_BASE/<first 16 hex digits of the SHA-256 of DIR>/ instead:
#   pg/            the cluster and its socket (owner postgres, mode 0700)
#   postgres.log   the server log (owner postgres, mode 0600)
#   checkout       DIR, so that a person looking here knows whose cluster it is
# and DIR/pg and DIR/postgres.log are symbolic links to it, so that every other path
# stays DIR/pg/… . The permissions of DIR's parents are never changed. A cluster found
# there while DIR/pg is missing belongs to a DIR that was deleted: it is removed, so
# deleting DIR starts afresh, as it does when the cluster lives in DIR.
readonly PG_HOME_BASE=/var/lib/fachnetz-dev

PG_BIN=""
PG_DATA=""    # the cluster directory as user postgres sees it (no symbolic link)
PG_LOGFILE="" # the server log, likewise

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

# pg_locate sets PG_DATA and PG_LOGFILE, following the links to PG_HOME_BASE.
pg_locate() {
	PG_DATA=$DIR/pg
	[[ -L $PG_DATA ]] && PG_DATA=$(readlink -m -- "$PG_DATA")
	PG_LOGFILE=$DIR/postgres.log
	[[ -L $PG_LOGFILE ]] && PG_LOGFILE=$(readlink -m -- "$PG_LOGFILE")
	return 0
}

# pg_home prints the directory below PG_HOME_BASE for the cluster of DIR.
pg_home() {
	printf '%s/%s\n' "$PG_HOME_BASE" "$(printf '%s' "$DIR" | sha256sum | cut -c1-16)"
}

# pg_fits_in_dir: true when user postgres can reach DIR/pg (DIR itself is made
# traversable; it is ours) and the socket path there is short enough.
pg_fits_in_dir() {
	local sock="$DIR/pg/.s.PGSQL.65535"
	((${#sock} <= 107)) && runuser -u postgres -- test -x "$(dirname -- "$DIR")"
}

# pg_cluster_runs DATADIR: true when a postmaster of DATADIR is alive.
pg_cluster_runs() {
	local pid
	pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}

# pg_move_out places the cluster of DIR below PG_HOME_BASE (see the top of this file);
# an existing DIR/pg that postgres cannot reach (a checkout moved into /root) moves along.
pg_move_out() {
	local home
	home=$(pg_home)
	if [[ -e $home ]]; then
		pg_cluster_runs "$home/pg" &&
			die "a PostgreSQL cluster of $DIR still runs in $home/pg although $DIR/pg is missing; stop it with: runuser -u postgres -- $PG_BIN/pg_ctl stop -D $home/pg"
		log "removing $home, the PostgreSQL cluster of a deleted $DIR"
		rm -rf -- "$home"
	fi
	mkdir -p -- "$PG_HOME_BASE"
	chmod 0755 "$PG_HOME_BASE"
	mkdir -m 0755 -- "$home"
	printf '%s\n' "$DIR" >"$home/checkout"
	if [[ -d $DIR/pg ]]; then
		pg_cluster_runs "$DIR/pg" && die "PostgreSQL runs in $DIR/pg, which user postgres cannot reach; stop it first"
		log "moving the PostgreSQL cluster $DIR/pg to $home/pg"
		mv -- "$DIR/pg" "$home/pg"
	fi
	if [[ -f $DIR/postgres.log && ! -L $DIR/postgres.log ]]; then
		mv -- "$DIR/postgres.log" "$home/postgres.log"
	fi
	ln -s -- "$home/pg" "$DIR/pg"
	ln -sfn -- "$home/postgres.log" "$DIR/postgres.log"
	log "user postgres cannot reach $DIR: its PostgreSQL cluster lives in $home/pg ($DIR/pg links there)"
}

pg_prepare_dirs() {
	if is_root; then
		if ! id -u postgres >/dev/null 2>&1; then
			log "creating system user postgres"
			useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
				--shell /usr/sbin/nologin postgres
		fi
		# An empty DIR/pg is what a start that was refused before the cluster existed left.
		[[ -L $DIR/pg || -f $DIR/pg/PG_VERSION ]] || rmdir -- "$DIR/pg" 2>/dev/null || true
		if [[ ! -L $DIR/pg ]] && ! pg_fits_in_dir; then pg_move_out; fi
	fi
	pg_locate
	mkdir -p -- "$PG_DATA"
	touch -- "$PG_LOGFILE"
	if is_root; then
		# mktemp directories are 0700: postgres must be able to traverse DIR.
		[[ -L $DIR/pg ]] || chmod o+x "$DIR"
		chown postgres: "$PG_DATA" "$PG_LOGFILE"
		chmod 0600 "$PG_LOGFILE"
		[[ -f $PG_DATA/PG_VERSION ]] || chmod 0700 "$PG_DATA"
		runuser -u postgres -- test -w "$PG_DATA" || die "user postgres cannot write $PG_DATA"
	fi
	local sock="$PG_DATA/.s.PGSQL.65535"
	((${#sock} <= 107)) || die "path too long for a Unix socket: $sock (use a shorter DIR)"
}

pg_initdb() {
	local locale=C
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
	log "initialising PostgreSQL cluster in $PG_DATA ($("$PG_BIN/postgres" --version))"
	as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale="$locale" \
		--auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOGFILE" 2>&1 ||
		{
			tail -n 30 "$PG_LOGFILE" >&2
			die "initdb failed"
		}
	printf "\n# Written by scripts/services.sh on every start.\ninclude_if_exists = 'fachnetz.conf'\n" |
		as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
}

pg_write_conf() { # pg_write_conf PORT
	local sockdir=${PG_DATA//\'/\'\'}
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
	} | as_pg tee "$PG_DATA/fachnetz.conf" >/dev/null
}

pg_running() {
	[[ -f $PG_DATA/postmaster.pid ]] && [[ -n $PG_BIN ]] &&
		as_pg "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

pg_start() {
	local port
	ensure_pg_bin
	pg_prepare_dirs
	[[ -f $PG_DATA/PG_VERSION ]] || pg_initdb

	if pg_running; then
		port=$(sed -n 's/^port = //p' "$PG_DATA/fachnetz.conf" 2>/dev/null || true)
		[[ -n $port ]] || die "PostgreSQL is already running in $PG_DATA but its port is unknown; stop it first"
		log "PostgreSQL already running on 127.0.0.1:$port"
	else
		port=$(reuse_port "$REC_PG_PORT" "$REC_MEILI_PORT")
		pg_write_conf "$port"
		log "starting PostgreSQL on 127.0.0.1:$port${FAST:+ (FAST=$FAST)}"
		STARTED_PG=1
		if ! as_pg "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOGFILE" -w -t "$TIMEOUT" >/dev/null 2>&1; then
			log "PostgreSQL did not start; last lines of $PG_LOGFILE:"
			tail -n 30 "$PG_LOGFILE" >&2
			exit 1
		fi
	fi
	PG_PORT=$port

	if ! wait_for "$TIMEOUT" "" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
		log "PostgreSQL is not ready after ${TIMEOUT}s; last lines of $PG_LOGFILE:"
		tail -n 30 "$PG_LOGFILE" >&2
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
	as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DATA" -p "$port" -U postgres -d postgres \
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
	pg_locate
	[[ -f $PG_DATA/postmaster.pid ]] || return 0
	find_pg_bin || {
		log "cannot find pg_ctl to stop PostgreSQL in $PG_DATA"
		return 1
	}
	if pg_running; then
		log "stopping PostgreSQL ($PG_DATA)"
		as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t "$TIMEOUT" >/dev/null 2>&1 ||
			as_pg "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t "$TIMEOUT" >/dev/null 2>&1 || {
			# A caller that removes the cluster next must not.
			log "could not stop PostgreSQL in $PG_DATA"
			return 1
		}
	fi
}

# pg_remove deletes the cluster's directory below PG_HOME_BASE, if it has one; only
# a directory of the form pg_home prints, whatever DIR/pg links to.
pg_remove() {
	pg_locate
	local home=${PG_DATA%/pg}
	if [[ -L $DIR/pg && $home =~ ^$PG_HOME_BASE/[0-9a-f]{16}$ && -d $home ]]; then
		rm -rf -- "$home"
	fi
}
