# servicebot: a static binary on a distroless base, run as a non-root user.
#
#   docker build -t servicebot .
#   docker run --rm -e TELEGRAM_TOKEN=... -e DATABASE_URL=postgres://... -p 8080:8080 servicebot
#
# DATABASE_URL is required in a container: the private PostgreSQL that the
# bot starts when it is unset needs server binaries this image does not have.
# The image has no shell, so it declares no HEALTHCHECK: point the
# orchestrator's probes at GET /healthz (liveness) and GET /readyz
# (readiness) on port 8080.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/servicebot ./cmd/servicebot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/servicebot /servicebot
USER nonroot:nonroot
ENV LISTEN_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/servicebot"]
CMD ["run"]
