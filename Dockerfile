# Multi-stage build: compile with the Rust toolchain, run on a slim Debian with only what CAMS needs.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY config ./config
COPY templates ./templates
COPY models ./models
COPY benches ./benches
COPY tests ./tests
RUN cargo build --release --locked --bin cams

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/cams --create-home cams
COPY --from=build /src/target/release/cams /usr/local/bin/cams
USER cams
WORKDIR /var/lib/cams
ENV CAMS_DATA_DIR=/var/lib/cams
EXPOSE 8080
ENTRYPOINT ["cams"]
CMD ["serve"]
