#!/usr/bin/env bash
# Installs the gRPC clients the interop tests drive (tests/interop/): Python grpcio and
# grpc-tools from Debian (they load under /usr/bin/python3), Node @grpc/grpc-js from npm, and
# nghttp2-client (h2load) for load scripts. Idempotent; safe to run on every CI start.
. "$(dirname "$0")/lib.sh"

apt_install python3-grpcio python3-grpc-tools nghttp2-client

if ! /usr/bin/python3 -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then
  log "python3-grpcio did not load under /usr/bin/python3"; exit 1
fi

# tests/interop/node: grpc-js for the interop scenarios; tests/interop/haraka: Haraka for the plugin recipe's test.
for node_dir in "$REPO_ROOT/tests/interop/node" "$REPO_ROOT/tests/interop/haraka"; do
  if [ ! -f "$node_dir/node_modules/.package-lock.json" ] || [ "$node_dir/package-lock.json" -nt "$node_dir/node_modules/.package-lock.json" ]; then
    log "npm ci in ${node_dir#"$REPO_ROOT"/}"
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
node_dir="$REPO_ROOT/tests/interop/node"
log "interop clients ready: grpcio $(/usr/bin/python3 -c 'import grpc; print(grpc.__version__)'), grpc-js $(node -p 'require("'"$node_dir"'/node_modules/@grpc/grpc-js/package.json").version')"
