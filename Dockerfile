# pipewright's image: a static binary on distroless, running as non-root.
# Its entrypoint is the KRM function, so kpt (`kpt fn eval --image`) and kustomize's container
# mode run it as is; it also holds the binary that Argo CD's initContainer copies onto the
# repo-server's PATH with `pipewright install DIR` (see deploy/argocd).
#   docker build -t ghcr.io/pipewright/pipewright:0.1.0 .

# Build: Alpine's Rust targets musl, so the binary is statically linked.
FROM docker.io/library/rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin pipewright \
 && strip target/release/pipewright \
 && ./target/release/pipewright --version

# Run: no shell, no package manager, uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/target/release/pipewright /pipewright
USER 65532:65532
ENTRYPOINT ["/pipewright"]
