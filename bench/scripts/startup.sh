#!/usr/bin/env bash
# cli start-up, side by side: each command run N times, alternating "plain" (java -cp ..., what bin/chunkstore ran
# before it prepared a class-data archive and the native library) and "launcher" (bin/chunkstore as it is now);
# prints the median wall and CPU (user+sys) seconds per command and mode. Run after a build, on a quiet machine:
#   bench/scripts/startup.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n="${1:-9}"
cd "$root"
CHUNKSTORE_NO_BUILD=1 bin/chunkstore --version >/dev/null   # prepares the archive once
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf 'schema_config:\n  configs:\n    - {from: 2020-01-01, store: local, object_store: local, schema: v11,\n       index: {prefix: index_, period: 168h}, chunks: {prefix: chunks_, period: 168h}, row_shards: 16}\nstorage_config:\n  local: {directory: %s/data}\n' "$tmp" > "$tmp/loki.yaml"
CHUNKSTORE_NO_BUILD=1 bin/chunkstore tables sync --config "$tmp/loki.yaml" --from 2026-01-01 >/dev/null 2>&1 || true
commands=(
  "--version"
  "schema queries --config examples/schema.yaml --user u --from 1557650721000 --through 1557654321000 --lookup metric --metric foo"
  "chunk inspect testdata/golden/chunk-d97c78e1.bin"
  "logs query --config $tmp/loki.yaml --user fake {job=\"x\"} --from 2026-12-01T00:00:00Z --to 2026-12-01T01:00:00Z"
)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for c in "${commands[@]}"; do
  : > "$tmp/plain"; : > "$tmp/launcher"
  for _ in $(seq "$n"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$tmp/t" java -cp "cli/target/chunkstore-cli.jar:cli/target/lib/*" \
      io.chunkstore.cli.Main $c >/dev/null 2>&1 || true
    tail -1 "$tmp/t" >> "$tmp/plain"
    # shellcheck disable=SC2086
    CHUNKSTORE_NO_BUILD=1 /usr/bin/time -f "%e %U %S" -o "$tmp/t" bin/chunkstore $c >/dev/null 2>&1 || true
    tail -1 "$tmp/t" >> "$tmp/launcher"
  done
  for m in plain launcher; do
    w=$(awk '{print $1}' "$tmp/$m" | median)
    cpu=$(awk '{print $2 + $3}' "$tmp/$m" | median)
    printf '%-8s wall %5ss cpu %5ss  %s\n' "$m" "$w" "$cpu" "${c:0:60}"
  done
done
