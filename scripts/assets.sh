#!/usr/bin/env bash
# Vendor the pinned front-end packages (frontend/package-lock.json) into frontend/static/vendor/.
#
#   scripts/assets.sh           npm ci (when needed) and copy the files   (make assets)
#   scripts/assets.sh --check   exit non-zero when frontend/static/vendor differs from node_modules
#
# The vendored copies are committed, so a fresh clone builds with `go build ./...` without npm.
# Files:
#   kern/kern.min.css, kern/fonts/fira-sans.css, kern/fonts/fira-sans/*.woff2 (those it references),
#   kern/LICENSE.md (EUPL-1.2), htmx/htmx.min.js, htmx/LICENSE (0BSD)
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
FRONTEND=$ROOT/frontend
VENDOR=$FRONTEND/static/vendor

check=0
case ${1:-} in
"") ;;
--check) check=1 ;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

"$ROOT/scripts/npm-ci.sh" "$FRONTEND"

NM=$FRONTEND/node_modules
KERN=$NM/@kern-ux/native
HTMX=$NM/htmx.org

# build_tree OUT: write the vendored tree into OUT.
build_tree() {
	local out=$1 font
	mkdir -p "$out/kern/fonts/fira-sans" "$out/htmx"
	cp "$KERN/dist/kern.min.css" "$out/kern/kern.min.css"
	cp "$KERN/dist/fonts/fira-sans.css" "$out/kern/fonts/fira-sans.css"
	cp "$KERN/LICENSE.md" "$out/kern/LICENSE.md"
	# Only the fonts the stylesheet references, at the same relative paths.
	while IFS= read -r font; do
		[[ -f $KERN/dist/fonts/$font ]] || {
			echo "assets: fira-sans.css references $font, which the package does not contain" >&2
			return 1
		}
		cp "$KERN/dist/fonts/$font" "$out/kern/fonts/$font"
	done < <(sed -n 's/.*url(["'\'']\{0,1\}\(\.\/\)\{0,1\}\(fira-sans\/[^"'\'')]*\.woff2\)["'\'']\{0,1\}).*/\2/p' \
		"$KERN/dist/fonts/fira-sans.css" | sort -u)
	cp "$HTMX/dist/htmx.min.js" "$out/htmx/htmx.min.js"
	cp "$HTMX/LICENSE" "$out/htmx/LICENSE"
	if ! compgen -G "$out/kern/fonts/fira-sans/*.woff2" >/dev/null; then
		echo "assets: no fonts found in fira-sans.css" >&2
		return 1
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
build_tree "$tmp/vendor"

if ((check)); then
	if [[ ! -d $VENDOR ]]; then
		echo "assets: $VENDOR is missing; run make assets" >&2
		exit 1
	fi
	if ! diff -r -q "$tmp/vendor" "$VENDOR" >&2; then
		echo "assets: frontend/static/vendor differs from frontend/node_modules; run make assets and commit the result" >&2
		exit 1
	fi
	echo "assets: frontend/static/vendor matches frontend/package-lock.json" >&2
	exit 0
fi

rm -rf -- "$VENDOR"
mkdir -p "$(dirname -- "$VENDOR")"
cp -R "$tmp/vendor" "$VENDOR"
chmod -R u=rwX,go=rX "$VENDOR"
echo "assets: vendored into ${VENDOR#"$ROOT"/}:" >&2
(cd "$VENDOR" && find . -type f | sort | sed 's|^\./|  |') >&2
