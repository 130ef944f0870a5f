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

# service_main ACTION DIR: the command line of a service script
# ("start DIR" or "stop DIR"); sets DIR to its absolute path and calls the
# script's cmd_start or cmd_stop. The script defines usage and die.
service_main() {
	[[ $# -eq 2 && -n $2 ]] || usage
	if [[ $1 == start ]]; then
		mkdir -p -- "$2" || die "cannot create $2"
	fi
	DIR=$(cd -- "$2" 2>/dev/null && pwd) || DIR=$2
	# shellcheck disable=SC2034 # DIR is the calling script's
	readonly DIR
	case $1 in
	start) cmd_start ;;
	stop) cmd_stop ;;
	*) usage ;;
	esac
}

# wait_http NAME PID PORT PATH LOG: waits up to TIMEOUT seconds until
# GET http://127.0.0.1:PORT/PATH answers 200; otherwise says why with the
# last lines of LOG and exits 1. Gives up at once when PID has exited.
wait_http() {
	local name=$1 pid=$2 port=$3 path=$4 logfile=$5 i code=""
	for ((i = 0; i < TIMEOUT * 4; i++)); do
		code=$(http_status "$port" "$path" || true)
		[[ $code == 200 ]] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill -0 "$pid" 2>/dev/null || log "$name exited"
	log "$name does not answer (GET $path: ${code:-no answer}); last lines of $logfile:"
	tail -n 30 "$logfile" >&2
	exit 1
}

# stop_on_failed_start: called first in a service script's cmd_start, so
# that a start that fails after the service was launched (STARTED=1)
# stops it again; Ctrl-C and TERM count as failures.
STARTED=0
stop_on_failed_start() {
	trap on_start_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

on_start_exit() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	if ((rc != 0 && STARTED)); then
		log "start failed; stopping"
		cmd_stop
	fi
	exit "$rc"
}
