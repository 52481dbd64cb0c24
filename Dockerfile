# Build a static binary, then ship it alone in a minimal image that runs as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/recert-dev/recert/internal/app.version=${VERSION}" \
      -o /out/recert . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/recert /recert
COPY --from=build --chown=65532:65532 /out/data /data
ENV RECERT_DATA_DIR=/data \
    RECERT_LOG_FORMAT=json
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["/recert", "healthcheck"]
ENTRYPOINT ["/recert"]
