# Builds the same binary the README builds (cargo build --release), then
# ships it alone on a slim Debian with the PostgreSQL client library.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin sala

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data sala && mkdir -p /data && chown sala /data
COPY --from=build /src/target/release/sala /usr/local/bin/sala
USER sala
WORKDIR /data
# Listening on every interface, Sala cannot guess the address people use:
# run with -e SALA_BASE_URL=https://sala.example.go.th (it refuses to start
# without it, rather than mail links to 0.0.0.0).
ENV SALA_BIND=0.0.0.0:8080 SALA_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
# Healthy means 200 from /healthz: the database takes writes and the disk has room.
HEALTHCHECK CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'HEAD /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
CMD ["sala", "serve"]
