#!/usr/bin/env bash
# Soak (issue 18): CYCLES `nswire up` + `nswire down` of an N-node lab (default 200 cycles of 50
# nodes) on one backend, sampling every 20 cycles (and after the first):
#   - nswire's peak RSS of that cycle's up and down (GNU time %M: each is a process of its own,
#     so a leak inside one run shows as growth of a big lab's up, not across cycles);
#   - for Open vSwitch, each daemon's RSS (VmRSS) and open fds (/proc/PID/fd), sampled after up
#     (the lab's bridge and ports exist) — the sandbox's private daemons (mode ovs), or nswire's
#     embedded ones (mode ovs-embedded: nswire starts them at up and stops them when the last lab
#     goes down, so each sample is a fresh daemon under a full lab);
# printed as a table, then per column whether it is flat: the last sample within 10% of the
# second (the first cycle warms caches and the daemons' first bridge). After the run, nothing may
# be left: no namespace, no link but the baseline (lo; the netdev datapath's ovs-netdev), no OVS
# bridge, no /run/nswire record.
#
#   bench/soak.sh NSWIRE_BIN linux|ovs|ovs-embedded [CYCLES] [NODES]
# Run inside tests/harness/sandbox, with NSWIRE_SANDBOX_OVS=1 for ovs (bench/run.sh --only soak does).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
nswire=$1 mode=$2 cycles=${3:-200} nodes=${4:-50}
every=20
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $mode in
  linux) backend=linux ;;
  ovs) backend=ovs; [[ -n ${NSWIRE_SANDBOX_VSWITCHD_PID:-} ]] || { echo "soak: mode ovs needs NSWIRE_SANDBOX_OVS=1" >&2; exit 2; } ;;
  ovs-embedded) backend=ovs; unset NSWIRE_OVSDB; [[ -z ${NSWIRE_SANDBOX_VSWITCHD_PID:-} ]] || { echo "soak: ovs-embedded wants a sandbox without OVS" >&2; exit 2; } ;;
  *) echo "soak: mode is linux, ovs or ovs-embedded" >&2; exit 2 ;;
esac

lab=$work/soak.yaml
{
  echo "name: soak"
  echo "backend: $backend"
  echo "bridges:"
  echo "  br0: { addresses: [10.130.0.1/16, 'fd00:130::1/64'] }"
  echo "nodes:"
  for ((i = 1; i <= nodes; i++)); do
    echo "  n$i:"
    echo "    interfaces: { eth0: { bridge: br0, addresses: [10.130.$((i / 250)).$((i % 250 + 2))/16, 'fd00:130::$((i + 1))/64'] } }"
    echo "    routes: [{ to: default, via: 10.130.0.1 }]"
    echo "    sysctls: { net.ipv4.ip_forward: 1 }"
    echo "    dns: { nameservers: [10.130.0.1] }"
  done
  echo "tests:"
  echo "  - { from: n1, to: n2, expect: reachable }"
} >"$lab"

# The daemons to watch, by pid (never by name): the sandbox's, or nswire's embedded ones.
daemon_pids() {
  if [[ $mode == ovs ]]; then
    echo "$NSWIRE_SANDBOX_OVSDB_PID $NSWIRE_SANDBOX_VSWITCHD_PID"
  elif [[ $mode == ovs-embedded ]]; then
    echo "$(cat /run/nswire/ovs/ovsdb-server.pid 2>/dev/null || echo -) $(cat /run/nswire/ovs/ovs-vswitchd.pid 2>/dev/null || echo -)"
  fi
}
rss_kib() { [[ $1 != - && -r /proc/$1/status ]] && awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" || echo -; }
fds() { [[ $1 != - && -d /proc/$1/fd ]] && ls "/proc/$1/fd" | wc -l || echo -; }

bench_baseline  # lo (the netdev datapath's ovs-netdev is left out of every comparison: lib.sh)
printf '%s\n' "cycle up_rss_kib down_rss_kib ovsdb_rss_kib ovsdb_fds vswitchd_rss_kib vswitchd_fds up_s down_s" >"$work/samples"
t0=$(now)
for ((c = 1; c <= cycles; c++)); do
  a=$(now)
  /usr/bin/time -f %M -o "$work/up.rss" "$nswire" up "$lab" >/dev/null 2>"$work/up.err" || { cat "$work/up.err" >&2; exit 1; }
  b=$(now)
  if ((c == 1 || c % every == 0)); then
    "$nswire" status "$lab" >/dev/null || { echo "soak: cycle $c: status not in sync after up" >&2; exit 1; }
    read -r dbpid swpid <<<"$(daemon_pids) "
    sample="$(rss_kib "${dbpid:--}") $(fds "${dbpid:--}") $(rss_kib "${swpid:--}") $(fds "${swpid:--}")"
  fi
  /usr/bin/time -f %M -o "$work/down.rss" "$nswire" down "$lab" >/dev/null 2>"$work/down.err" || { cat "$work/down.err" >&2; exit 1; }
  d=$(now)
  if ((c == 1 || c % every == 0)); then
    echo "$c $(tail -1 "$work/up.rss") $(tail -1 "$work/down.rss") $sample $(secs "$a" "$b") $(secs "$b" "$d")" >>"$work/samples"
  fi
done
elapsed=$(secs "$t0" "$(now)")

wait_clean
ovs_clean
[[ -z $(ls -A /run/nswire/labs 2>/dev/null) ]] || { echo "soak: records left in /run/nswire/labs: $(ls /run/nswire/labs)" >&2; exit 1; }
if [[ $mode == ovs-embedded ]]; then
  for f in /run/nswire/ovs/ovsdb-server.pid /run/nswire/ovs/ovs-vswitchd.pid; do
    [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null && { echo "soak: embedded daemon still running after the last down: $f" >&2; exit 1; }
  done
fi

echo "soak: $mode, $cycles cycles of a $nodes-node lab (up + down), $elapsed s; nothing left behind"
echo
echo "| cycle | nswire up peak RSS KiB | nswire down peak RSS KiB | ovsdb-server RSS KiB | ovsdb-server fds | ovs-vswitchd RSS KiB | ovs-vswitchd fds | up s | down s |"
echo "|---|---|---|---|---|---|---|---|---|"
tail -n +2 "$work/samples" | awk '{ printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n" }'
# Flat: the last sample within 10% of the second (columns 2..7; "-" where there is no daemon).
awk 'NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
     { n++; for (i = 2; i <= 7; i++) { if (n == 2) second[i] = $i; last[i] = $i } }
     END {
       if (n < 3) { print "flat: too few samples to say (need 3; run more cycles)"; exit 0 }
       bad = 0
       for (i = 2; i <= 7; i++) {
         if (second[i] == "-" || last[i] == "-") continue
         ok = (last[i] <= second[i] * 1.1 && last[i] >= second[i] * 0.9)
         printf "flat %s: %s (second %s, last %s)\n", name[i], ok ? "yes" : "NO", second[i], last[i]
         if (!ok) bad = 1
       }
       exit bad
     }' "$work/samples"
