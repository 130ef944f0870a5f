# syntax=docker/dockerfile:1
# Production image of fachnetz: one static binary on distroless, running as non-root.
# Built by compose.yaml (service fachnetz); front-end assets are already vendored in
# frontend/static and embedded, so no npm is needed here.

FROM golang:1.26-bookworm AS build
# The German word list (GPL-2+, read at run time, not linked) splits
# compound words for search.
RUN apt-get update && apt-get install -y --no-install-recommends wngerman && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/fachnetz ./server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fachnetz /usr/local/bin/fachnetz
COPY --from=build /usr/share/dict/ngerman /usr/share/dict/ngerman
COPY --from=build /usr/share/doc/wngerman/copyright /usr/share/doc/wngerman/copyright
# The data directory (attachments) belongs to the nonroot user (65532); a named volume
# mounted here starts with this ownership.
COPY --from=build --chown=65532:65532 /out/data /var/lib/fachnetz
ENV FACHNETZ_ADDR=0.0.0.0:8080 \
    FACHNETZ_DATA_DIR=/var/lib/fachnetz
USER 65532:65532
EXPOSE 8080
VOLUME ["/var/lib/fachnetz"]
# GETs http://127.0.0.1:8080/healthz (no shell or curl in distroless).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/fachnetz", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/fachnetz"]
CMD ["serve"]
