#!/usr/bin/env bash
# Runs the OVSDB benchmark inside a throwaway sandbox with its own ovsdb-server + ovs-vswitchd.
#   bench/ovsdb/run.sh [BUILD_DIR [PORTS [TYPE]]]     (defaults: build, 1000, internal)
# Build first: cmake --build BUILD_DIR --target ovsdb_bench   (needs -DNSWIRE_BENCH=ON, the default)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
ports=${2:-1000}
type=${3:-internal}
bin=$build/ovsdb/ovsdb_bench
[[ -x $bin ]] || { echo "run.sh: $bin not built (cmake --build $build --target ovsdb_bench)" >&2; exit 2; }
exec env NSWIRE_SANDBOX_OVS=1 "$root/tests/harness/sandbox" "$bin" --ports "$ports" --type "$type"
