#!/usr/bin/env bash
# make bench: the performance targets of DESIGN.md section 9 on its data set
# (scripts/bench/), then the search relevance set, then the fault tests
# (scripts/faults.sh). PostgreSQL and Meilisearch run privately in
# .bench/services and keep the generated data set between runs (delete
# .bench/ to generate it again). Writes bench/REPORT.md and bench/report.svg.
# Timings are measured here, never asserted in make test.
#
#   BENCH_DURATION  how long each load runs (default 10s)
#   BENCH_MIXED     how long the mixed read/write load runs (default 60s)
#   BENCHTIME       how often the relevance set runs (default 10x)
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
work=$ROOT/.bench
mkdir -p "$work"

go build -o "$work/fachnetz" ./server
go build -o "$work/bench" ./scripts/bench

scripts/services.sh start "$work/services"
trap 'scripts/services.sh stop "$work/services"' EXIT
(
	set -a
	# shellcheck disable=SC1091 # written by services.sh
	. "$work/services/env"
	set +a
	"$work/bench" -fachnetz "$work/fachnetz" -work "$work" -report bench \
		-duration "${BENCH_DURATION:-10s}" -mixed "${BENCH_MIXED:-60s}"
)
scripts/services.sh stop "$work/services"
trap - EXIT

echo
echo "== search relevance (recall@5, MRR) and latency"
scripts/with-services.sh -- go test -run '^$' -bench 'BenchmarkRelevanceSet' -benchtime "${BENCHTIME:-10x}" -count 1 ./server/

echo
echo "== fault tests"
scripts/faults.sh
