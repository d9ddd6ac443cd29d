#!/usr/bin/env bash
# Runs every nswire benchmark inside the throwaway sandbox (tests/harness/sandbox, private
# net + mount namespaces, private ovsdb-server + ovs-vswitchd with the netdev datapath) and
# prints their tables. Nothing is made in the machine's own namespace.
#
#   bench/run.sh [--quick] [--build DIR] [--only lab-scale|bridge-attach|mesh|ovsdb|impair|soak|scale]...
#     --quick   small sizes (lab-scale 10 100 / ovs 10 50, attach 10 100, mesh 20 30 50, 100 OVSDB ports)
#     --build   build directory (default build-bench; built here as Release when missing)
# Full sizes: lab-scale linux 10 100 500, ovs 10 100 200; attach 10 100 500; mesh 20 30 50 100;
# ovsdb 1000 ports; impair 200 links (quick: 50); soak 200 cycles (quick: 40). Environment: SAMPLE (sequential pings sampled by mesh, default 200).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build-bench
quick=0 only=()
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --build) build=$(realpath "$2"); shift ;;
    --only) only+=("$2"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $(id -u) == 0 ]] || { echo "run.sh: must run as root (the sandbox needs unshare)" >&2; exit 2; }
want() { ((${#only[@]} == 0)) || [[ " ${only[*]} " == *" $1 "* ]]; }

if [[ ! -x $build/src/cli/nswire || ! -x $build/bench/bridge_attach_bench || ! -x $build/ovsdb/ovsdb_bench ||
      ! -x $build/bench/impair_bench ]]; then
  [[ -f $build/CMakeCache.txt ]] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --target nswire bridge_attach_bench ovsdb_bench impair_bench -j2
fi
nswire=$build/src/cli/nswire
sandbox=$root/tests/harness/sandbox

if ((quick)); then
  lin=(10 100) ovs=(10 50) att=(10 100) mesh=(20 30 50) ports=100 impair=50 soak=40
else
  lin=(10 100 500) ovs=(10 100 200) att=(10 100 500) mesh=(20 30 50 100) ports=1000 impair=200 soak=200
fi
echo "nswire benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r), $(git -C "$root" rev-parse --short HEAD)"
# Every benchmark checks that it left nothing behind in its sandbox; the sandbox itself is gone
# when each one exits.
if want lab-scale; then
  echo; echo "== lab-scale: nswire up / re-up / down vs one process per step vs ip -batch floor (issues 2, 5)"
  "$sandbox" "$here/lab-scale.sh" "$nswire" linux "${lin[@]}"
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$here/lab-scale.sh" "$nswire" ovs "${ovs[@]}"
fi
if want bridge-attach; then
  echo; echo "== bridge-attach: N ports onto one bridge, BridgeBackend vs ip link set master / ovs-vsctl add-port (issue 4)"
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$here/bridge-attach.sh" "$build/bench/bridge_attach_bench" both "${att[@]}"
fi
if want mesh; then
  echo; echo "== mesh: nswire test of a full mesh vs sequential ip netns exec ping (issue 6)"
  "$sandbox" "$here/mesh.sh" "$nswire" "${mesh[@]}"
fi
if want impair; then
  echo; echo "== impair: tbf on every link of a star, nswire (one send) vs tc per link vs tc -batch; throughput accuracy (issue 13)"
  "$sandbox" "$here/impair.sh" "$build/bench/impair_bench" "$impair" 10mbit 50mbit 200mbit
fi
if want soak; then
  echo; echo "== soak: $soak up/down cycles of a 50-node lab per backend; nswire and OVS daemons' RSS and fds (issue 18)"
  "$sandbox" "$here/soak.sh" "$nswire" linux "$soak" 50
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$here/soak.sh" "$nswire" ovs "$soak" 50
  "$sandbox" "$here/soak.sh" "$nswire" ovs-embedded "$soak" 50
fi
if want scale; then
  echo; echo "== scale: the Linux star N = 200..2000 with and without ovs-vswitchd vs the ip -batch floor; OVS backend; Mininet (issue 19)"
  if ((quick)); then REUPS=3 OVS_UP=200 "$here/scale.sh" "$nswire" 200 500; else "$here/scale.sh" "$nswire"; fi
fi
if want ovsdb; then
  echo; echo "== ovsdb: one OVSDB transaction vs ovs-vsctl (bench/ovsdb)"
  "$here/ovsdb/run.sh" "$build" "$ports"
fi
