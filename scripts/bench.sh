#!/usr/bin/env bash
# Benchmarks against private services (scripts/with-services.sh): the
# relevance test set's recall@5, MRR and the search API's latency, from
# Meilisearch and from PostgreSQL. Timings are measured here, never asserted
# in make test. BENCHTIME (default 10x) sets how often the set runs.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
exec scripts/with-services.sh -- go test -run '^$' -bench 'BenchmarkRelevanceSet' -benchtime "${BENCHTIME:-10x}" -count 1 ./server/
