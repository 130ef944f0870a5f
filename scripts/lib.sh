# shellcheck shell=bash
# Helpers shared by the scripts in this directory. Source it; it defines functions only.

is_root() { [[ $(id -u) -eq 0 ]]; }

# random_hex NBYTES: NBYTES random bytes as lower-case hex.
random_hex() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# port_in_use PORT: true when something listens on (or accepts connections at) 127.0.0.1:PORT.
port_in_use() {
	if command -v ss >/dev/null 2>&1; then
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
	fi
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port [PORT_TO_AVOID...]: print a random free TCP port on 127.0.0.1.
# Ports come from 20000-31999, below the kernel's ephemeral range (32768-60999),
# so they do not collide with outgoing connections.
free_port() {
	local p i a taken
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 12000))
		taken=0
		for a in "$@"; do [[ $p == "$a" ]] && taken=1; done
		((taken)) && continue
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found on 127.0.0.1" >&2
	return 1
}

# http_status PORT PATH: GET http://127.0.0.1:PORT/PATH and print the status code (no curl needed).
http_status() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
		IFS=" " read -r _ code _ <&3 || exit 1
		echo "$code"
	' _ "$1" "$2" 2>/dev/null
}

# apt_install PACKAGE...: install Debian packages, announcing it on stderr.
apt_install() {
	local sudo=()
	if ! is_root; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "please install: $* (apt-get install $*), or run as root" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	echo "installing $* with apt-get (not found on this machine)" >&2
	if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; then
		"${sudo[@]}" apt-get update >&2
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
	fi
}

# stop_pid_group PID [SECONDS]: TERM the process group led by PID (started with setsid),
# wait up to SECONDS (default 15), then KILL it. Quiet when it is already gone.
stop_pid_group() {
	local pid=$1 secs=${2:-15} i
	[[ -n $pid ]] || return 0
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null; then
		echo "process group $pid did not stop within ${secs}s, killing it" >&2
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# go_install_cached DIR WHAT PACKAGE@VERSION...: build Go commands from the module proxy into
# DIR (GOBIN), unless an earlier run already did. WHAT names the build in the announcement.
# The build goes to DIR.partial first and is renamed when complete, so an interrupted
# build is never taken for a finished one.
go_install_cached() {
	local dir=$1 what=$2 pkg
	shift 2
	local missing=0
	for pkg in "$@"; do
		pkg=${pkg%@*}
		[[ -x $dir/${pkg##*/} ]] || missing=1
	done
	((missing)) || return 0
	command -v go >/dev/null 2>&1 || {
		echo "go not found; install Go to build $what" >&2
		return 1
	}
	echo "building $what from the module proxy (first time only, a few minutes)" >&2
	rm -rf -- "$dir.partial"
	mkdir -p -- "$dir.partial"
	# Outside any module (cd /): the versions come from the packages, not from go.mod here.
	if ! (cd / && GOBIN=$dir.partial go install "$@" >&2); then
		rm -rf -- "$dir.partial"
		echo "building $what failed" >&2
		return 1
	fi
	rm -rf -- "$dir"
	mv -- "$dir.partial" "$dir"
}

# log and die: messages on stderr, prefixed with the calling script's LOG_NAME.
log() { printf '%s: %s\n' "${LOG_NAME:-${0##*/}}" "$*" >&2; }
die() {
	printf '%s: ERROR: %s\n' "${LOG_NAME:-${0##*/}}" "$*" >&2
	exit 1
}

# read_state FILE KEY: the last KEY=value of FILE, or nothing when FILE is missing.
read_state() {
	[[ -f $1 ]] || return 0
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

# write_private FILE LINE...: FILE (mode 0600) holds the LINEs; readers never see
# it half written, since it is renamed into place.
write_private() {
	local file=$1
	shift
	(umask 077 && printf '%s\n' "$@" >"$file.tmp")
	chmod 0600 "$file.tmp"
	mv -f "$file.tmp" "$file"
}

# reuse_port PORT [PORT_TO_AVOID...]: PORT again when it is set, free and not to be
# avoided; otherwise a free port.
reuse_port() {
	local port=$1 a
	shift
	for a in "$@"; do [[ $port == "$a" ]] && port=""; done
	if [[ -z $port ]] || port_in_use "$port"; then
		free_port "$@"
		return
	fi
	echo "$port"
}

# given_binary VAR: true when the variable VAR names a program to use instead of the
# pinned one; dies when that is not an executable file.
given_binary() {
	[[ -n ${!1:-} ]] || return 1
	[[ -x ${!1} ]] || die "$1=${!1} is not an executable file"
}

# service_pid PIDFILE MARK: prints the pid in PIDFILE when that process runs and its
# command line holds MARK (a pid reused by another program is not ours), or fails.
service_pid() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
	echo "$pid"
}

# spawn WORKDIR PIDFILE LOGFILE CMD...: runs CMD in WORKDIR in its own session, its
# output appended to LOGFILE; its pid goes to PIDFILE and SERVICE_PID, and STARTED=1
# (stop_on_failed_start). setsid: a Ctrl-C in the terminal reaches the scripts, which
# stop the services in order.
spawn() {
	local workdir=$1 pidfile=$2 logfile=$3
	shift 3
	STARTED=1
	(
		cd "$workdir" || exit
		exec setsid "$@" </dev/null >>"$logfile" 2>&1
	) &
	SERVICE_PID=$!
	echo "$SERVICE_PID" >"$pidfile"
}

# running NAME PIDFILE MARK: true when the service already runs (service_pid), with
# its pid in SERVICE_PID and the port of its start (DIR/port) in SERVICE_PORT;
# otherwise SERVICE_PORT is that port again when free, else a free one, written
# to DIR/port for the start to come.
SERVICE_PID=""
SERVICE_PORT=""
running() {
	SERVICE_PORT=$(cat "$DIR/port" 2>/dev/null || true)
	if SERVICE_PID=$(service_pid "$2" "$3"); then
		[[ -n $SERVICE_PORT ]] || die "$1 is already running (pid $SERVICE_PID) but its port is unknown; stop it first"
		log "$1 already running (pid $SERVICE_PID) on 127.0.0.1:$SERVICE_PORT"
		return 0
	fi
	SERVICE_PORT=$(reuse_port "$SERVICE_PORT") || die "no free port for $1"
	echo "$SERVICE_PORT" >"$DIR/port"
	return 1
}

# stop_service NAME PIDFILE MARK: stops the service whose pid service_pid finds;
# quiet when none runs.
stop_service() {
	local pid
	if pid=$(service_pid "$2" "$3"); then
		log "stopping $1 (pid $pid)"
		# It leads its own process group (spawn): the group goes, wrappers too.
		stop_pid_group "$pid" 15
	fi
	rm -f -- "$2"
}

# service_main COMMANDS ACTION DIR: the command line of a service script. COMMANDS
# ("start|stop", say) are the ACTIONs it knows; sets DIR to its absolute path and
# calls cmd_ACTION (a dash in ACTION becomes an underscore).
service_main() {
	local commands=$1
	shift
	if [[ $# -ne 2 || -z $2 || "|$commands|" != *"|$1|"* ]]; then
		echo "usage: $0 $commands DIR" >&2
		exit 2
	fi
	if [[ $1 == start ]]; then
		mkdir -p -- "$2" || die "cannot create $2"
	fi
	DIR=$(cd -- "$2" 2>/dev/null && pwd) || DIR=$2
	# shellcheck disable=SC2034 # DIR is the calling script's
	readonly DIR
	"cmd_${1//-/_}"
}

# wait_for SECONDS PID CMD...: runs CMD every quarter second until it succeeds; fails
# after SECONDS, or at once when PID (unless empty) has exited.
wait_for() {
	local secs=$1 pid=$2 i
	shift 2
	for ((i = 0; i < secs * 4; i++)); do
		"$@" && return 0
		[[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}

# answers_200 PORT PATH: true when GET http://127.0.0.1:PORT/PATH answers 200; the
# status (or nothing) stays in HTTP_CODE.
HTTP_CODE=""
answers_200() {
	HTTP_CODE=$(http_status "$1" "$2" || true)
	[[ $HTTP_CODE == 200 ]]
}

# wait_http NAME PID PORT PATH LOG: waits up to TIMEOUT seconds until GET
# http://127.0.0.1:PORT/PATH answers 200; otherwise says why with the last lines of
# LOG and fails. Gives up at once when PID has exited.
wait_http() {
	local name=$1 pid=$2 port=$3 path=$4
	HTTP_CODE=""
	wait_for "$TIMEOUT" "$pid" answers_200 "$port" "$path" && return 0
	not_ready "$name" "$pid" "GET $path: ${HTTP_CODE:-no answer}" "$5"
}

# not_ready NAME PID WHAT LOG: says that NAME did not become ready (WHAT it answered)
# and shows the last lines of LOG; fails.
not_ready() {
	kill -0 "$2" 2>/dev/null || log "$1 exited"
	log "$1 does not answer ($3); last lines of $4:"
	tail -n 30 "$4" >&2
	return 1
}

# exit_through FUNCTION: FUNCTION runs when the script exits; Ctrl-C and TERM
# exit with 130 and 143, so it runs then too.
exit_through() {
	# shellcheck disable=SC2064 # the name is given now, the function runs at exit
	trap "$1" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# cleaning_up: first in an exit function: whatever fails or interrupts now, the
# clean-up goes on to its end.
cleaning_up() {
	set +e
	trap - EXIT INT TERM
	trap '' INT TERM
}

# stop_on_failed_start: called first in a service script's cmd_start, so
# that a start that fails after the service was launched (STARTED=1)
# stops it again; Ctrl-C and TERM count as failures.
STARTED=0
stop_on_failed_start() {
	exit_through on_start_exit
}

on_start_exit() {
	local rc=$?
	cleaning_up
	if ((rc != 0 && STARTED)); then
		log "start failed; stopping"
		cmd_stop
	fi
	exit "$rc"
}

# start_service NAME DIR: scripts/NAME.sh start DIR, remembered (even when the start
# fails) for stop_services.
STARTED_SERVICES=()
start_service() {
	STARTED_SERVICES+=("$1" "$2")
	"$(dirname -- "${BASH_SOURCE[0]}")/$1.sh" start "$2"
}

# stop_services: stops what start_service started, the last first; fails when a
# stop fails.
stop_services() {
	local i rc=0
	for ((i = ${#STARTED_SERVICES[@]} - 2; i >= 0; i -= 2)); do
		"$(dirname -- "${BASH_SOURCE[0]}")/${STARTED_SERVICES[i]}.sh" stop "${STARTED_SERVICES[i + 1]}" || rc=1
	done
	STARTED_SERVICES=()
	return "$rc"
}
