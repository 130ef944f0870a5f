#!/usr/bin/env bash
# scripts/npm-ci.sh DIR: `npm ci` in DIR when DIR/node_modules is missing or stale, i.e.
# installed from a different package.json / package-lock.json than the current ones.
# Install scripts are never run (--ignore-scripts): nothing is downloaded beyond the
# locked packages, whose integrity hashes npm checks.
set -euo pipefail

(($# == 1)) || {
	echo "usage: $0 DIR" >&2
	exit 2
}
dir=$1
[[ -f $dir/package-lock.json ]] || {
	echo "npm-ci: $dir/package-lock.json is missing" >&2
	exit 1
}
stamp=$dir/node_modules/.fachnetz-lock-hash
want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
fresh() { [[ -f $stamp && $(cat "$stamp") == "$want" ]]; }
fresh && exit 0
# One install at a time per directory (two scripts may start at once).
exec 9<"$dir/package-lock.json"
flock 9
fresh && exit 0
if ! command -v npm >/dev/null 2>&1; then
	echo "npm-ci: npm not found; install Node.js and npm (apt-get install npm)" >&2
	exit 1
fi
echo "npm-ci: installing the locked packages in $dir (npm ci)" >&2
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund >&2)
echo "$want" >"$stamp"
