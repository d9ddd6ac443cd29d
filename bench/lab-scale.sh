#!/usr/bin/env bash
# Benchmark: `nswire up` / re-up / `down` of a lab of N nodes on one bridge (each node: a
# namespace, a veth into the bridge, an address, lo and eth0 up, a default route), against
# the same lab built by iproute2/ovs-vsctl commands the way the seeds write them (one process
# per step), and against the kernel floor (the same kernel work with as few processes as
# iproute2 allows: one `ip -batch` for the host side and one `ip -n NODE -batch` per node,
# since a batch file cannot switch namespaces). All in one run, inside the sandbox.
#
#   bench/lab-scale.sh NSWIRE_BIN [linux|ovs|both] [N ...]       (default: both, 10 100 500)
# Run it through tests/harness/sandbox (bench/run.sh does).
set -euo pipefail
nswire=$1; shift
which=${1:-both}; shift || true
sizes=("$@"); ((${#sizes[@]})) || sizes=(10 100 500)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

make_lab() {  # N BACKEND -> file
  local n=$1 backend=$2 f=$work/lab-$1-$2.yaml
  {
    echo "name: bench"
    echo "backend: $backend"
    echo "bridges:"
    echo "  br0: { addresses: [10.128.0.1/16] }"
    echo "nodes:"
    for ((i = 1; i <= n; i++)); do
      echo "  n$i:"
      echo "    interfaces: { eth0: { bridge: br0, addresses: [10.128.$((i / 250)).$((i % 250 + 2))/16] } }"
      echo "    routes: [{ to: default, via: 10.128.0.1 }]"
    done
  } >"$f"
  echo "$f"
}

script_up() {  # N BACKEND: the seeds' way, one process per step
  local n=$1 backend=$2
  if [[ $backend == ovs ]]; then
    ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev
  else
    ip link add br0 type bridge
  fi
  ip link set br0 up
  ip addr add 10.128.0.1/16 dev br0
  for ((i = 1; i <= n; i++)); do
    ip netns add n$i
    ip link add h$i type veth peer name eth0 netns n$i
    if [[ $backend == ovs ]]; then ovs-vsctl add-port br0 h$i; else ip link set h$i master br0; fi
    ip link set h$i up
    ip -n n$i link set lo up
    ip -n n$i link set eth0 up
    ip -n n$i addr add 10.128.$((i / 250)).$((i % 250 + 2))/16 dev eth0
    ip -n n$i route add default via 10.128.0.1
  done
}

script_down() {
  local n=$1 backend=$2
  for ((i = 1; i <= n; i++)); do
    [[ $backend == ovs ]] && ovs-vsctl del-port br0 h$i
    ip link del h$i
    ip netns del n$i
  done
  if [[ $backend == ovs ]]; then ovs-vsctl del-br br0; else ip link del br0; fi
}

floor_up() {  # N (Linux bridge only): the fewest processes iproute2 allows
  local n=$1 f=$work/host.batch
  {
    echo "link add br0 type bridge"
    echo "link set br0 up"
    echo "addr add 10.128.0.1/16 dev br0"
    for ((i = 1; i <= n; i++)); do
      echo "netns add n$i"
      echo "link add h$i type veth peer name eth0 netns n$i"
      echo "link set h$i master br0 up"
    done
  } >"$f"
  ip -batch "$f"
  for ((i = 1; i <= n; i++)); do
    printf 'link set lo up\nlink set eth0 up\naddr add 10.128.%d.%d/16 dev eth0\nroute add default via 10.128.0.1\n' \
      $((i / 250)) $((i % 250 + 2)) | ip -n n$i -batch -
  done
}

floor_down() {
  local n=$1 f=$work/down.batch
  { for ((i = 1; i <= n; i++)); do echo "netns del n$i"; done; echo "link del br0"; } >"$f"
  ip -batch "$f"
}

check_clean() {
  [[ -z $(ip netns list) ]] || { echo "bench: namespaces left over" >&2; exit 1; }
  [[ $(ip -o link | wc -l) == 1 ]] || { echo "bench: links left over" >&2; ip -o link >&2; exit 1; }
}

peak_kib() {  # CMD... -> prints peak RSS in KiB of CMD (GNU time when present)
  if [[ -x /usr/bin/time ]]; then /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; else "$@" >/dev/null; echo "-"; fi
}

printf '%-7s %5s | %9s %9s %9s | %9s %9s | %9s %9s %9s | %s\n' backend N nswire-up re-up down script-up floor-up script-dn floor-dn up-vs-script up-vs-floor
for backend in linux ovs; do
  [[ $which == both || $which == "$backend" ]] || continue
  for n in "${sizes[@]}"; do
    lab=$(make_lab "$n" "$backend")
    t0=$(now); "$nswire" up "$lab" >/dev/null; t1=$(now)
    "$nswire" test "$lab" >/dev/null 2>&1 || true
    t2=$(now); "$nswire" up "$lab" >/dev/null; t3=$(now)
    t4=$(now); "$nswire" down "$lab" >/dev/null; t5=$(now)
    check_clean
    s0=$(now); script_up "$n" "$backend" >/dev/null; s1=$(now)
    s2=$(now); script_down "$n" "$backend" >/dev/null; s3=$(now)
    check_clean
    fl_up=- fl_dn=- vs_floor=-
    if [[ $backend == linux ]]; then
      f0=$(now); floor_up "$n"; f1=$(now)
      f2=$(now); floor_down "$n"; f3=$(now)
      check_clean
      fl_up=$(secs "$f0" "$f1"); fl_dn=$(secs "$f2" "$f3")
      vs_floor=$(ratio "$(secs "$t0" "$t1")" "$fl_up")
    fi
    printf '%-7s %5d | %9s %9s %9s | %9s %9s | %9s %9s %9s | %s faster, %s of floor\n' "$backend" "$n" \
      "$(secs "$t0" "$t1")" "$(secs "$t2" "$t3")" "$(secs "$t4" "$t5")" "$(secs "$s0" "$s1")" "$fl_up" \
      "$(secs "$s2" "$s3")" "$fl_dn" "-" "$(ratio "$(secs "$s0" "$s1")" "$(secs "$t0" "$t1")")" "$vs_floor"
  done
done
if [[ -x /usr/bin/time ]]; then
  lab=$(make_lab "${sizes[-1]}" linux)
  echo "peak RSS of nswire up at N=${sizes[-1]} (linux): $(peak_kib "$nswire" up "$lab") KiB"
  "$nswire" down "$lab" >/dev/null
fi
