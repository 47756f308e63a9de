# Build: the full toolchain, only in this stage.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p lectern-server && cp target/release/lectern /lectern

# Run: a small image with the binary and a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data --create-home lectern
COPY --from=build /lectern /usr/local/bin/lectern
USER lectern
WORKDIR /data
ENV LECTERN_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/lectern"]
CMD ["serve"]
