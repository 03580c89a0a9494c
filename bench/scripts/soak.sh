#!/usr/bin/env bash
# Soak a `chunkstore serve` on a fresh embedded store through the grpc_store protocol and print its resident
# memory every minute (issue 21: RSS bounded by configuration, not by the number of tables or the time).
#   bench/scripts/soak.sh [MINUTES] [WRITES_PER_SECOND]     (from the repository root; default 30 min, 200/s)
# SOAK_GRPC_PORT / SOAK_HTTP_PORT (default 19966 / 19095) let two soaks run side by side, e.g. one with
# MALLOC_ARENA_MAX=16 in its environment (glibc's default on 2 cores) and one with the launcher's default of 2. Build
# once, then start each with SOAK_NO_BUILD=1: builds running while another soak's client loads its classes break it.
# Besides the RSS, each minute's line has the heap and RocksDB's own memory gauges from serve's /metrics.
# SOAK_BLOCK_CACHE / SOAK_WRITE_BUFFER (e.g. 32MiB / 16MiB) serve the same schema through a config with that
# block_cache_bytes / write_buffer_bytes, so the block cache fills early and the minutes after it show the plateau.
set -euo pipefail
minutes=${1:-30}
rate=${2:-200}
grpc=${SOAK_GRPC_PORT:-19966}
http=${SOAK_HTTP_PORT:-19095}
data=$(mktemp -d /tmp/chunkstore-soak.XXXXXX)
cp=bench/target/soak-classpath.txt
if [ -z "${SOAK_NO_BUILD:-}" ] || [ ! -f "$cp" ]; then
  ./mvnw -B -ntp -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$PWD/$cp" >"$data/build.log" 2>&1 \
    || { cat "$data/build.log"; exit 1; }
  bin/chunkstore --version >/dev/null   # builds the cli when needed
fi
store=(--data "$data/store")
if [ -n "${SOAK_BLOCK_CACHE:-}${SOAK_WRITE_BUFFER:-}" ]; then
  # serve's built-in schema (server EmbeddedStore.BUILT_IN_SCHEMA) with the memory settings the soak asks for
  cat >"$data/soak.yaml" <<YAML
schema:
  configs:
    - {from: 2020-01-01, store: local, object_store: local, schema: v11, row_shards: 16,
       index: {prefix: index_, period: 168h}, chunks: {prefix: chunks_, period: 168h}}
storage:
  local:
    directory: $data/store
    block_cache_bytes: ${SOAK_BLOCK_CACHE:-128MiB}
    write_buffer_bytes: ${SOAK_WRITE_BUFFER:-64MiB}
YAML
  # with --config, serve makes no tables on first write: the table manager makes the schema's tables up to now
  CHUNKSTORE_NO_BUILD=1 bin/chunkstore tables sync --config "$data/soak.yaml" >"$data/tables.log" 2>&1 \
    || { cat "$data/tables.log"; exit 1; }
  store=(--config "$data/soak.yaml")
fi
CHUNKSTORE_NO_BUILD=1 bin/chunkstore serve "${store[@]}" --listen 127.0.0.1:$grpc \
  --http-listen 127.0.0.1:$http >"$data/serve.log" 2>&1 &
launcher=$!
trap 'kill "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf http://127.0.0.1:$http/ready >/dev/null && break
  sleep 0.5
done
java -Xmx512m -cp "$(cat "$cp"):bench/target/classes" io.chunkstore.bench.local.ServeSoak \
  127.0.0.1:$grpc "$launcher" "$minutes" "$rate" http://127.0.0.1:$http/metrics
echo "soak: store size $(du -sh "$data/store" | cut -f1) in $data/store"
