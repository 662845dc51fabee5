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
ENV SALA_BIND=0.0.0.0:8080 SALA_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ok <&3"]
CMD ["sala", "serve"]
