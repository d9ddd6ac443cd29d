#!/usr/bin/env bash
# Benchmark (issue 6): `nswire test` of a full mesh of N nodes on one Linux bridge (N·(N-1)
# ICMP probes, one event loop) against sequential `ip netns exec NODE ping -c1 -W1 ADDR`, in
# the same run. The sequential pings are sampled (SAMPLE pairs spread over the mesh, default
# 200) and extrapolated to N·(N-1); the table says how many were run.
#
# Neighbour table cap: IPv4 neighbour entries of ALL namespaces count against the host's
# net.ipv4.neigh.default.gc_thresh3 (1024 here; a host setting, not changed by this benchmark).
# A full mesh needs N·(N-1) dynamic entries (+N for the replies' ARP), so above ~30 nodes the
# kernel refuses new entries ("neighbour table overflow") and probes fail. Modes:
#   arp:    plain lab, ARP resolved by the probes themselves (only N <= 30: it fits the cap and
#           does not starve other namespaces on the machine of neighbour entries);
#   static: every node gets a permanent neighbour entry for every other node before the clock
#           starts (`ip neigh replace ... nud permanent`, exempt from gc_thresh3); both contenders
#           then run without ARP. Used for N > 30.
#
#   bench/mesh.sh NSWIRE_BIN [N ...]            (default: 20 30 50 100; SAMPLE=200)
# Run it inside tests/harness/sandbox (bench/run.sh does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
nswire=$1; shift
sizes=("$@"); ((${#sizes[@]})) || sizes=(20 30 50 100)
sample=${SAMPLE:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

addr() { echo "10.129.$(($1 / 250)).$(($1 % 250 + 1))"; }

make_lab() {  # N -> file
  local n=$1 f=$work/mesh-$1.yaml
  {
    echo "name: meshbench"
    echo "backend: linux"
    echo "bridges:"
    echo "  br0: {}"
    echo "nodes:"
    for ((i = 1; i <= n; i++)); do echo "  n$i: { interfaces: { eth0: { bridge: br0, addresses: [$(addr $i)/16] } } }"; done
    printf 'tests:\n  - { mesh: ['
    for ((i = 1; i <= n; i++)); do printf '%sn%d' "$([[ $i == 1 ]] || echo ', ')" "$i"; done
    printf '], expect: reachable }\n'
  } >"$f"
  echo "$f"
}

seed_neighbours() {  # N: permanent entries for every other node in every node
  local n=$1 i j macs=()
  for ((i = 1; i <= n; i++)); do macs[i]=$(ip -n n$i -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'); done
  for ((i = 1; i <= n; i++)); do
    for ((j = 1; j <= n; j++)); do
      ((i == j)) || echo "neigh replace $(addr $j) lladdr ${macs[j]} dev eth0 nud permanent"
    done | ip -n n$i -batch -
  done
}

bench_baseline
printf '%-4s %-6s %6s | %8s %11s | %8s %9s %11s | %13s\n' N mode probes nswire nswire-pass run/fail seq-time seq-extrap seq/nswire
printf '%s\n' "$(printf -- '-%.0s' {1..92})"
for n in "${sizes[@]}"; do
  mode=arp; ((n <= 30)) || mode=static
  lab=$(make_lab "$n")
  "$nswire" up "$lab" >/dev/null
  [[ $mode == static ]] && seed_neighbours "$n"
  probes=$((n * (n - 1)))
  t0=$(now); "$nswire" test "$lab" >"$work/test.out" 2>&1 || true; t1=$(now)
  pass=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$work/test.out" | tail -n 1)
  runs=$((sample < probes ? sample : probes)) fails=0
  s0=$(now)
  for ((k = 0; k < runs; k++)); do
    a=$((k % n + 1)) off=$(((k / n) % (n - 1) + 1)); b=$(((a - 1 + off) % n + 1))
    ip netns exec n$a ping -c1 -W1 -q "$(addr $b)" >/dev/null 2>&1 || fails=$((fails + 1))
  done
  s1=$(now)
  "$nswire" down "$lab" >/dev/null
  wait_clean
  ours=$(secs "$t0" "$t1") seq=$(secs "$s0" "$s1")
  extrap=$(awk -v s="$seq" -v r="$runs" -v p="$probes" 'BEGIN { printf "%.2f", s / r * p }')
  printf '%-4d %-6s %6d | %8s %11s | %8s %9s %11s | %13s\n' "$n" "$mode" "$probes" "$ours" "${pass:-?}/$probes" \
    "$runs/$fails" "$seq" "$extrap" "$(ratio "$extrap" "$ours")"
done
echo "times in seconds (nswire: the whole \`nswire test\` process); run/fail = sequential pings run / failed,"
echo "seq-extrap = their time scaled to every pair; seq/nswire = how many times faster nswire is"
