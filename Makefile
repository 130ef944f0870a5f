# Thin wrappers: the logic lives in scripts/ (see DESIGN.md section 8).
.PHONY: run test bench faults assets build clean

# Local instance with demo content on http://127.0.0.1:8080 (data kept in .data/).
run:
	scripts/run.sh

# go vet, go test -race and the browser tests against private PostgreSQL, Meilisearch, slapd, Mailpit and Dendrite.
test:
	scripts/test.sh

# The performance targets of DESIGN.md section 9 on its data set (bench/REPORT.md), the search relevance set and the fault tests.
bench:
	scripts/bench.sh

# PostgreSQL stopped, Meilisearch killed and one of two servers behind HAProxy killed, under load: nothing acknowledged lost.
faults:
	scripts/faults.sh

# Vendor the pinned npm packages (frontend/package-lock.json) into frontend/static/vendor/.
assets:
	scripts/assets.sh

build:
	go build -o bin/fachnetz ./server

# Removes build output and test artifacts; .data/ (the make run instance) is kept.
clean:
	rm -rf bin/ .artifacts/
