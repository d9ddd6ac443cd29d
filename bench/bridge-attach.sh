#!/usr/bin/env bash
# Benchmark (issue 4): attach N ports (host veths, already made and up) to one bridge, on each
# backend, in the same run:
#   nswire:  the library's BridgeBackend, one apply() with N attach_ports (bridge_attach_bench);
#   per-port: `ip link set vethX master br0` / `ovs-vsctl add-port br0 vethX`, one process per port;
#   batched: one `ip -batch` file / one ovs-vsctl call chaining every add-port with `--`.
# Only the attaching is timed; the veths and the bridge are made before, and removed after.
#
#   bench/bridge-attach.sh BRIDGE_ATTACH_BENCH_BIN [linux|ovs|both] [N ...]   (default: both, 10 100 500)
# Run it inside tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1 (bench/run.sh does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bin=$1; shift
which=${1:-both}; shift || true
sizes=("$@"); ((${#sizes[@]})) || sizes=(10 100 500)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_veths() {  # N BACKEND
  { [[ $2 == linux ]] && echo "link add br0 type bridge" && echo "link set br0 up"
    for ((i = 0; i < $1; i++)); do echo "link add pa$i up type veth peer name pb$i"; done; } >"$work/mk"
  ip -batch "$work/mk"
  if [[ $2 == ovs ]]; then ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev; fi
}
remove_veths() {  # N BACKEND
  if [[ $2 == ovs ]]; then ovs-vsctl del-br br0; fi
  { [[ $2 == linux ]] && echo "link del br0"; for ((i = 0; i < $1; i++)); do echo "link del pa$i"; done; } >"$work/rm"
  ip -batch "$work/rm"
  wait_clean
}

bench_baseline
printf '%-7s %4s | %9s %9s %9s | %14s %14s\n' backend N nswire per-port batched per-port/nswire nswire/batched
printf '%s\n' "$(printf -- '-%.0s' {1..82})"
for backend in linux ovs; do
  [[ $which == both || $which == "$backend" ]] || continue
  for n in "${sizes[@]}"; do
    ours=$("$bin" "$backend" "$n" | awk '/^attach/ { print $2 }')
    wait_clean; ovs_clean

    make_veths "$n" "$backend"
    t0=$(now)
    for ((i = 0; i < n; i++)); do
      if [[ $backend == ovs ]]; then ovs-vsctl add-port br0 pa$i; else ip link set pa$i master br0; fi
    done
    t1=$(now)
    remove_veths "$n" "$backend"

    make_veths "$n" "$backend"
    if [[ $backend == ovs ]]; then
      args=(); for ((i = 0; i < n; i++)); do args+=(-- add-port br0 pa$i); done
      t2=$(now); ovs-vsctl "${args[@]:1}"; t3=$(now)
    else
      for ((i = 0; i < n; i++)); do echo "link set pa$i master br0"; done >"$work/at"
      t2=$(now); ip -batch "$work/at"; t3=$(now)
    fi
    remove_veths "$n" "$backend"
    ovs_clean
    per=$(secs "$t0" "$t1") bat=$(secs "$t2" "$t3")
    printf '%-7s %4d | %9.4f %9s %9s | %14s %14s\n' "$backend" "$n" "$ours" "$per" "$bat" \
      "$(ratio "$per" "$ours")" "$(ratio "$ours" "$bat")"
  done
done
echo "times in seconds; per-port/nswire = how many times faster nswire is than one process per port"
