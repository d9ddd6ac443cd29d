#!/usr/bin/env bash
# Benchmark (issue 13): link impairments and measuring tests, inside the sandbox.
#   star:     impair every host end of an N-veth star (peers in N namespaces) with a token bucket,
#             nswire (one batched send from the host, impair_bench) vs one `tc qdisc replace` per
#             link vs one `tc -batch` (the floor); then read back and reset.
#   accuracy: nswire's TCP throughput test over a veth whose sending end has nswire's tbf at each
#             RATE; measured vs configured.
#
#   bench/impair.sh IMPAIR_BENCH_BIN [N] [RATE...]   (default 200; 10mbit 50mbit 200mbit)
# Run it inside tests/harness/sandbox (bench/run.sh does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
bin=$1; shift
n=${1:-200}; shift || true
rates=("$@"); ((${#rates[@]})) || rates=(10mbit 50mbit 200mbit)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bench_baseline

# nswire's token bucket for 50mbit: burst 4 ms (25000 bytes), queue 50 ms + burst (337500 bytes).
tbf="tbf rate 50mbit burst 25000 limit 337500"
count_tbf() { tc -j qdisc show | python3 -c 'import json,sys; print(sum(1 for q in json.load(sys.stdin) if q["kind"]=="tbf" and q.get("root")))'; }

{ for ((i = 0; i < n; i++)); do echo "netns add n$i"; done; } >"$work/ns"
{ for ((i = 0; i < n; i++)); do echo "link add s$i up type veth peer name eth0 netns n$i"; done; } >"$work/mk"
ip -batch "$work/ns"
ip -batch "$work/mk"

out=$("$bin" star "$n" 50mbit)
nswire_impair=$(awk '$1 == "impair_ms" { print $2 / 1000 }' <<<"$out")
nswire_observe=$(awk '$1 == "observe_ms" { print $2 / 1000 }' <<<"$out")
nswire_reset=$(awk '$1 == "reset_ms" { print $2 / 1000 }' <<<"$out")
[[ $(count_tbf) == 0 ]] || { echo "impair: nswire's reset left qdiscs" >&2; exit 1; }

t0=$(now); for ((i = 0; i < n; i++)); do tc qdisc replace dev "s$i" root handle 5e02: $tbf; done; t1=$(now)
[[ $(count_tbf) == "$n" ]] || { echo "impair: tc script did not impair every link" >&2; exit 1; }
for ((i = 0; i < n; i++)); do tc qdisc del dev "s$i" root; done; t2=$(now)
script_impair=$(secs "$t0" "$t1") script_reset=$(secs "$t1" "$t2")

{ for ((i = 0; i < n; i++)); do echo "qdisc replace dev s$i root handle 5e02: $tbf"; done; } >"$work/tc"
{ for ((i = 0; i < n; i++)); do echo "qdisc del dev s$i root"; done; } >"$work/tcdel"
t0=$(now); tc -batch "$work/tc"; t1=$(now)
[[ $(count_tbf) == "$n" ]] || { echo "impair: tc -batch did not impair every link" >&2; exit 1; }
tc -batch "$work/tcdel"; t2=$(now)
floor_impair=$(secs "$t0" "$t1") floor_reset=$(secs "$t1" "$t2")

echo "| N | nswire impair | observe | reset | tc script impair | tc script reset | tc -batch impair | tc -batch reset | script/nswire | batch/nswire |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "| $n | $nswire_impair | $nswire_observe | $nswire_reset | $script_impair | $script_reset | $floor_impair | $floor_reset | $(ratio "$script_impair" "$nswire_impair") | $(ratio "$floor_impair" "$nswire_impair") |"

{ for ((i = 0; i < n; i++)); do echo "netns del n$i"; done; } >"$work/rmns"
ip -batch "$work/rmns"
wait_clean

echo
ip netns add ba; ip netns add bb
ip -n ba link set lo up; ip -n bb link set lo up
ip link add eth0 netns ba type veth peer name eth0 netns bb
ip -n ba addr add 10.30.0.1/24 dev eth0; ip -n bb addr add 10.30.0.2/24 dev eth0
ip -n ba link set eth0 up; ip -n bb link set eth0 up
echo "| configured tbf rate | measured TCP throughput | error |"
echo "|---|---|---|"
"$bin" accuracy ba bb 10.30.0.2 "${rates[@]}" |
  awk '{ printf "| %s | %.2f mbit/s | %+.1f%% |\n", $2, $4 / 1e6, $6 }'
ip netns del ba; ip netns del bb
wait_clean
