#!/usr/bin/env bash
# Benchmark (issue 14): one lab of 3 hosts x N nodes (default 100) on simulated hosts
# (tests/harness/hosts), OVN against the tunnel path: the time from starting `nswire up` on all
# three hosts at once until every host's `up` returned ("up"), and until `nswire test` passes
# on every host ("green": the probes cross hosts, so a host's flows and tunnels must be in place
# for the others' nodes too), then `down` on all three at once. Per backend:
#   linux  one Linux bridge spanning the hosts, ONE VXLAN device per host (kernel underlay)
#   ovs    one OVS bridge (netdev), a protected vxlan port per peer (underlay on br-phy)
#   ovn    one OVN logical switch, central NB/SB + ovn-northd, an ovn-controller per host
# The nodes are on one bridge that spans the three hosts ("lan", /16). The probes: every node
# pings the node of the same number on the next host (h1 -> h2 -> h3 -> h1): every node, every
# pair of hosts, 3N probes. Not a full mesh of 3N nodes: IPv4 neighbour entries of all
# namespaces count against the machine's gc_thresh3 (1024 here, see README.md), and a full
# mesh of 300 nodes would need 89,700; this needs 2 per probe.
#
#   bench/multihost.sh NSWIRE [N] [BACKEND...]     (default: 100; linux ovs ovn)
# Needs root; each backend runs in its own harness (a fresh sandbox with three hosts).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
harness=$root/tests/harness/hosts

if [[ "${1:-}" == --inner ]]; then
  # Inside the harness: NSWIRE FILE BACKEND; prints one table row.
  nswire=$2 file=$3 backend=$4
  on() { "$harness" --on "$@"; }
  read -ra hosts <<<"$NSWIRE_HOSTS"
  now() { date +%s.%N; }
  secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
  log=$(mktemp -d)
  t0=$(now)
  pids=()
  for h in "${hosts[@]}"; do
    on "$h" "$nswire" up "$file" --backend "$backend" --host "$h" >"$log/up-$h" 2>&1 &
    pids+=($!)
  done
  declare -A up_done
  for i in "${!hosts[@]}"; do
    wait "${pids[$i]}" || { echo "up failed on ${hosts[$i]}:" >&2; cat "$log/up-${hosts[$i]}" >&2; exit 1; }
    up_done[${hosts[$i]}]=$(now)
  done
  t_up=$(now)
  # Green: every host's tests pass (retried until they do, at most 120 s).
  green=0 tries=0
  while ((!green)) && [[ $(secs "$t0" "$(now)" | cut -d. -f1) -lt 120 ]]; do
    tries=$((tries + 1))
    green=1
    for h in "${hosts[@]}"; do on "$h" "$nswire" test "$file" --backend "$backend" --host "$h" --json >"$log/test-$h" 2>&1 & done
    wait
    for h in "${hosts[@]}"; do
      [[ "$(jq -r .failed "$log/test-$h" 2>/dev/null)" == 0 ]] || green=0
    done
  done
  t_green=$(now)
  ((green)) || { echo "not green after 120 s:" >&2; for h in "${hosts[@]}"; do jq -c '.results.results[] | select(.passed|not)' "$log/test-$h" | head -3 >&2; done; exit 1; }
  probes=0
  for h in "${hosts[@]}"; do probes=$((probes + $(jq -r .passed "$log/test-$h"))); done
  test_secs=$(for h in "${hosts[@]}"; do jq -r .seconds "$log/test-$h"; done | sort -n | tail -1)
  t1=$(now)
  for h in "${hosts[@]}"; do on "$h" "$nswire" down "$file" --backend "$backend" --host "$h" >"$log/down-$h" 2>&1 & done
  wait
  t_down=$(now)
  for h in "${hosts[@]}"; do
    left=$(on "$h" sh -c 'ip netns list; ls /run/nswire/labs 2>/dev/null; ip -o link | grep -c veth || true' | tr '\n' ' ')
    [[ "$left" == "0 " ]] || { echo "left on $h: $left" >&2; exit 1; }
  done
  slowest=0
  for h in "${hosts[@]}"; do s=$(secs "$t0" "${up_done[$h]}"); awk -v a="$s" -v b="$slowest" 'BEGIN{exit !(a>b)}' && slowest=$s; done
  printf '| %s | %d | %s | %s | %s | %d | %d | %s | %s |\n' "$backend" "$(grep -c '^  n' "$file")" "$(secs "$t0" "$t_up")" \
    "$(secs "$t0" "$t_green")" "$((tries))" "$probes" "$(jq -r .failed "$log/test-h1")" "$test_secs" "$(secs "$t1" "$t_down")"
  rm -rf "$log"
  exit 0
fi

nswire=$(realpath "${1:?usage: multihost.sh NSWIRE [N] [BACKEND...]}")
n=${2:-100}
shift $(($# >= 2 ? 2 : 1))
backends=("$@")
((${#backends[@]})) || backends=(linux ovs ovn)
work=$(mktemp -d /tmp/nswire-bench-mh.XXXXXX)
trap 'rm -rf "$work"' EXIT
file=$work/mh-bench.yaml
addr() { echo "10.60.$(($2 * 1 + 0)).$(($1 + 1))"; }  # node i of host k: 10.60.k.(i+1)
{
  echo "name: mhbench"
  echo "ovn: { northbound: 'tcp:192.168.100.1:6641' }"
  echo "hosts:"
  for k in 1 2 3; do echo "  h$k: { address: 192.168.100.$((10 + k)) }"; done
  echo "bridges:"
  echo "  lan: {}"
  echo "nodes:"
  for k in 1 2 3; do
    for ((i = 1; i <= n; i++)); do
      echo "  n$k-$i: { host: h$k, interfaces: { eth0: { bridge: lan, addresses: [$(addr "$i" "$k")/16] } } }"
    done
  done
  echo "tests:"
  for k in 1 2 3; do
    next=$((k % 3 + 1))
    for ((i = 1; i <= n; i++)); do echo "  - { from: n$k-$i, to: n$next-$i, count: 3, timeout_ms: 2000 }"; done
  done
} >"$file"
"$nswire" validate "$file" >/dev/null

echo "3 hosts x $n nodes on one spanning bridge; $(date -u +%FT%TZ); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| backend | nodes | up (s) | green (s) | test rounds | probes passed | failed | one test (s) | down (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
for be in "${backends[@]}"; do
  case $be in
    linux) env=(NSWIRE_HOSTS_UNDERLAY=kernel) ;;
    ovs) env=(NSWIRE_HOSTS_UNDERLAY=ovs) ;;
    ovn) env=(NSWIRE_HOSTS_OVN=1) ;;
    *) echo "multihost.sh: unknown backend $be" >&2; exit 2 ;;
  esac
  env NSWIRE_HOSTS=3 "${env[@]}" "$harness" "$here/multihost.sh" --inner "$nswire" "$file" "$be"
done
