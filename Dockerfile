# syntax=docker/dockerfile:1
#
# AgencyHall: one static binary on distroless.
#
#   docker build -t agencyhall .
#   docker run -d -p 8080:8080 -v agencyhall-data:/data \
#     -e AGENCYHALL_ADMIN_PASSWORD='choose-a-long-password' agencyhall
#
# With no --mongo-uri the server runs the embedded MongoDB-compatible engine
# (FerretDB on SQLite, pure Go) with its files in the /data volume; set
# AGENCYHALL_MONGO_URI to use a MongoDB replica set instead.

# ---- build ---------------------------------------------------------------
FROM golang:1.26 AS build
WORKDIR /src
# Dependencies first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0: a fully static binary (the SQLite engine is modernc.org/sqlite,
# pure Go). -buildvcs=false: the build context has no .git (see .dockerignore).
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false -ldflags='-s -w' -o /out/agencyhall . \
 && mkdir -p /out/data

# ---- health-check client ---------------------------------------------------
# distroless has no shell and no curl. The health check uses BusyBox's wget:
# the official busybox images are statically linked, so this one file runs on
# distroless/static with nothing else. (The alternative, a "healthcheck"
# subcommand in agencyhall itself, would put container plumbing into the
# product's CLI.)
FROM busybox:1.37-musl AS busybox

# ---- runtime ---------------------------------------------------------------
# distroless/static: CA certificates, time-zone data (Asia/Shanghai), an
# /etc/passwd with the non-root user 65532, and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/agencyhall /usr/local/bin/agencyhall
COPY --from=busybox /bin/busybox /usr/local/bin/wget
# An empty /data owned by the non-root user; a new named volume starts as a
# copy of it, so the server can write there.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080
ENV AGENCYHALL_ADDR=:8080 \
    AGENCYHALL_LOG_FORMAT=json
# /healthz answers while the process serves HTTP; /readyz also pings the
# database. The check follows AGENCYHALL_ADDR's default port: keep 8080
# inside the container and map ports with -p instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/wget", "-q", "-T", "4", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/agencyhall"]
CMD ["serve", "--data-dir", "/data"]
