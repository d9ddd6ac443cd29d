#!/usr/bin/env bash
# Benchmark (issues 2 and 5): `nswire up` / re-up of the in-sync lab / `down` of a lab of N nodes
# on one bridge (each node: a namespace, a veth into the bridge, an address, lo and eth0 up, a
# default route via the bridge's address), in the same run against
#   script: the same lab built the seeds' way (../shared/seeds): one iproute2/ovs-vsctl process
#           per step, the veth's peer made in the host, moved into the node and renamed there,
#           and every step inside a node run through `ip netns exec NODE ip ...`;
#   quick:  the same steps written as tightly as one process per step allows (no seed does
#           this): `ip -n NODE` instead of `ip netns exec`, the peer made in its namespace;
#   floor:  the same kernel work with as few processes as the tools allow: one `ip -batch` for
#           the host side (+ one ovs-vsctl transaction with every add-port, on OVS) and one
#           `ip -n NODE -batch` per node, since a batch cannot switch namespaces.
# host-batch: the floor's first part alone (one `ip -batch`: namespaces, veths, master), the
# ~1.2 ms/node of issue 2; the rest of the floor is N `ip -n` processes.
# "down" is timed until every link and namespace is gone (a deleted namespace's veths vanish
# asynchronously in the kernel); re-up and every down start after SETTLE seconds (default 2).
# Peak RSS is the largest of nswire's up / re-up / down (GNU time).
#
#   bench/lab-scale.sh NSWIRE_BIN [linux|ovs|both] [N ...]       (default: both, 10 100 500)
# Run it inside tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1 for ovs (bench/run.sh does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
nswire=$1; shift
which=${1:-both}; shift || true
sizes=("$@"); ((${#sizes[@]})) || sizes=(10 100 500)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_lab() { star_lab bench "$1" "$2" "$work/lab-$1-$2.yaml"; }  # N BACKEND -> file

script_bridge() {  # BACKEND: br0 with its address, one process per step
  local backend=$1
  if [[ $backend == ovs ]]; then
    ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev
  else
    ip link add br0 type bridge
  fi
  ip link set br0 up
  ip addr add 10.128.0.1/16 dev br0
}

script_up() {  # N BACKEND: the seeds' way (../shared/seeds), one process per step
  local n=$1 backend=$2
  script_bridge "$backend"
  for ((i = 1; i <= n; i++)); do
    ip netns add n$i
    ip link add h$i type veth peer name p$i
    ip link set p$i netns n$i
    ip netns exec n$i ip link set dev p$i name eth0
    if [[ $backend == ovs ]]; then ovs-vsctl add-port br0 h$i; else ip link set h$i master br0; fi
    ip link set h$i up
    ip netns exec n$i ip link set lo up
    ip netns exec n$i ip link set eth0 up
    ip netns exec n$i ip addr add "$(addr $i)/16" dev eth0
    ip netns exec n$i ip route add default via 10.128.0.1
  done
}

quick_script_up() {  # N BACKEND: one process per step, but `ip -n` and the peer made in its namespace
  local n=$1 backend=$2
  script_bridge "$backend"
  for ((i = 1; i <= n; i++)); do
    ip netns add n$i
    ip link add h$i type veth peer name eth0 netns n$i
    if [[ $backend == ovs ]]; then ovs-vsctl add-port br0 h$i; else ip link set h$i master br0; fi
    ip link set h$i up
    ip -n n$i link set lo up
    ip -n n$i link set eth0 up
    ip -n n$i addr add "$(addr $i)/16" dev eth0
    ip -n n$i route add default via 10.128.0.1
  done
}

script_down() {
  local n=$1 backend=$2
  for ((i = 1; i <= n; i++)); do
    if [[ $backend == ovs ]]; then ovs-vsctl del-port br0 h$i; fi
    ip link del h$i
    ip netns del n$i
  done
  if [[ $backend == ovs ]]; then ovs-vsctl del-br br0; else ip link del br0; fi
}

floor_up() {  # N BACKEND: the fewest processes the tools allow
  local n=$1 backend=$2 f=$work/host.batch
  {
    [[ $backend == linux ]] && echo "link add br0 type bridge"
    for ((i = 1; i <= n; i++)); do
      echo "netns add n$i"
      echo "link add h$i type veth peer name eth0 netns n$i"
      if [[ $backend == linux ]]; then echo "link set h$i master br0 up"; else echo "link set h$i up"; fi
    done
  } >"$f"
  ip -batch "$f"
  now >"$work/host-batch-done"
  if [[ $backend == ovs ]]; then
    local args=(add-br br0 -- set bridge br0 datapath_type=netdev)
    for ((i = 1; i <= n; i++)); do args+=(-- add-port br0 h$i); done
    ovs-vsctl "${args[@]}"
  fi
  printf 'link set br0 up\naddr add 10.128.0.1/16 dev br0\n' | ip -batch -
  for ((i = 1; i <= n; i++)); do
    printf 'link set lo up\nlink set eth0 up\naddr add %s/16 dev eth0\nroute add default via 10.128.0.1\n' \
      "$(addr $i)" | ip -n n$i -batch -
  done
}

floor_down() {
  local n=$1 backend=$2 f=$work/down.batch
  [[ $backend == ovs ]] && ovs-vsctl del-br br0
  { for ((i = 1; i <= n; i++)); do echo "netns del n$i"; done; [[ $backend == linux ]] && echo "link del br0"; } >"$f"
  ip -batch "$f"
}

# nswire VERB LAB: runs it under GNU time; appends peak RSS (KiB) to $work/rss
run_nswire() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f %M -o "$work/rss.one" "$nswire" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
    cat "$work/rss.one" >>"$work/rss"
  else
    "$nswire" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  fi
}

# ovs-vswitchd makes the netdev datapath with the first bridge of that type (ovs-netdev, PMD
# setup: ~0.1 s once). Do it before timing anything, so no contender pays it for the others.
if [[ $which != linux && -S /var/run/openvswitch/db.sock ]]; then
  ovs-vsctl add-br nsw-warm -- set bridge nsw-warm datapath_type=netdev && ovs-vsctl del-br nsw-warm
fi
# After an up the kernel keeps working for a moment (IPv6 DAD and router solicitations on every
# new link, under RTNL), more so the bigger the lab. Every re-up and down starts after the same
# pause (SETTLE seconds, default 2), so none of them pays for that work and the others not.
settle() { sleep "${SETTLE:-2}"; }
bench_baseline
printf '%-7s %4s | %7s %7s %7s %6s | %8s %8s %8s | %7s %7s %9s | %9s %9s %9s %9s %9s\n' \
  backend N up re-up down RSS-MiB script-up quick-up script-dn floor-up floor-dn host-batch \
  script/up quick/up up/floor script/dn dn/floor
printf '%s\n' "$(printf -- '-%.0s' {1..150})"
for backend in linux ovs; do
  [[ $which == both || $which == "$backend" ]] || continue
  for n in "${sizes[@]}"; do
    lab=$(make_lab "$n" "$backend")
    : >"$work/rss"
    t0=$(now); run_nswire up "$lab"; t1=$(now)
    settle
    t2=$(now); run_nswire up "$lab"; t3=$(now)
    grep -q ' 0 change' "$work/out" || { echo "bench: re-up of the in-sync lab changed something:" >&2; cat "$work/out" >&2; }
    settle
    t4=$(now); run_nswire down "$lab"; wait_clean; t5=$(now)
    ovs_clean
    s0=$(now); script_up "$n" "$backend" >/dev/null; s1=$(now)
    settle
    s2=$(now); script_down "$n" "$backend" >/dev/null; wait_clean; s3=$(now)
    ovs_clean
    q0=$(now); quick_script_up "$n" "$backend" >/dev/null; q1=$(now)
    script_down "$n" "$backend" >/dev/null; wait_clean
    ovs_clean
    f0=$(now); floor_up "$n" "$backend" >/dev/null; f1=$(now)
    settle
    f2=$(now); floor_down "$n" "$backend" >/dev/null; wait_clean; f3=$(now)
    ovs_clean
    up=$(secs "$t0" "$t1") reup=$(secs "$t2" "$t3") dn=$(secs "$t4" "$t5")
    qup=$(secs "$q0" "$q1") sup=$(secs "$s0" "$s1") sdn=$(secs "$s2" "$s3") fup=$(secs "$f0" "$f1") fdn=$(secs "$f2" "$f3")
    rss=$(sort -n "$work/rss" | tail -n 1); rss=$(awk -v k="${rss:-0}" 'BEGIN { if (k > 0) printf "%.1f", k / 1024; else print "-" }')
    fhost=$(secs "$f0" "$(cat "$work/host-batch-done")")
    printf '%-7s %4d | %7s %7s %7s %6s | %8s %8s %8s | %7s %7s %9s | %9s %9s %9s %9s %9s\n' "$backend" "$n" \
      "$up" "$reup" "$dn" "$rss" "$sup" "$qup" "$sdn" "$fup" "$fdn" "$fhost" \
      "$(ratio "$sup" "$up")" "$(ratio "$qup" "$up")" "$(ratio "$up" "$fup")" "$(ratio "$sdn" "$dn")" "$(ratio "$dn" "$fdn")"
  done
done
echo "times in seconds; script/up = how many times faster nswire up is than the seeds' script (quick/up: the quick one);"
echo "up/floor = nswire up divided by the floor (target <= 1.5x); re-up = up of the lab already in sync"
