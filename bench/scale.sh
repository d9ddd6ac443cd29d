#!/usr/bin/env bash
# Benchmark (issue 19): how nswire scales. One command, as root:
#
#   bench/scale.sh NSWIRE_BIN [N ...]          (default N: 200 500 1000; a Linux bridge takes 1023 ports at most, BR_MAX_PORTS)
#
# runs, each in a throwaway sandbox (tests/harness/sandbox) and side by side in the same run:
#   1. the Linux star (N nodes on one Linux bridge: namespace, veth, address, lo + eth0 up, a
#      default route) without Open vSwitch, then again with a private ovsdb-server + ovs-vswitchd
#      running (as on any machine that has Open vSwitch installed: ovs-vswitchd listens to every
#      link event): nswire `up`, REUPS re-ups of the in-sync lab (default 10), `down` (timed until
#      every link and namespace is gone), against the floor, one `ip -batch` making the same
#      namespaces + veths + master (the host part; a batch cannot enter a namespace) and its
#      `ip -batch` down (netns del + link del br0). Per-node costs; nswire's peak RSS (GNU time).
#   2. the OVS backend: `up` of OVS_UP (default 1000) ports on one bridge, `down`; and OVS_DOWN (200)
#      up / down (the issue's down-within-1.5x-of-up).
#   3. Mininet 2.3 (Debian's `mininet`, bridge-utils for its LinuxBridge): its star of MININET
#      (default 200) hosts on a Linux bridge and on OVS (OVSBridge, userspace datapath), against
#      nswire's `up` of the same star in the same sandbox. Skipped, and said, when not installed.
# Every re-up and down starts after SETTLE seconds (default 2), as in lab-scale.sh. The machine's
# load average is printed before each part: on a shared 2-core machine only ratios within one
# run mean much.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"

if [[ ${1:-} != --inside ]]; then
  [[ $(id -u) == 0 ]] || { echo "scale.sh: must run as root (the sandbox needs unshare)" >&2; exit 2; }
  nswire=$(realpath "$1"); shift
  sizes=("$@"); ((${#sizes[@]})) || sizes=(200 500 1000)
  sandbox=$here/../tests/harness/sandbox
  echo "scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-5s %4s | %6s %6s %6s | %6s %6s %6s | %6s %6s %6s | %6s %6s %6s %6s | %5s %7s\n' \
    ovsd N up floor up/fl re-min re-med re-max down fl-dn dn/fl ms/up ms/fl ms/dn ms/re load RSS-MiB
  # A part that fails says so and the next one still runs.
  "$sandbox" "$0" --inside star "$nswire" no "${sizes[@]}" || echo "scale: the star without OVS failed"
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$0" --inside star "$nswire" ovs "${sizes[@]}" || echo "scale: the star with OVS failed"
  echo "(ovsd: ovs-vswitchd running in the sandbox; floor: one ip -batch of netns + veth + master;"
  echo " re-: the in-sync re-up over ${REUPS:-10} runs; ms/*: per node; RSS: nswire's peak over up/re-up/down)"
  echo
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$0" --inside ovs "$nswire" "${OVS_UP:-1000}" || echo "scale: OVS backend N = ${OVS_UP:-1000} failed"
  NSWIRE_SANDBOX_OVS=1 "$sandbox" "$0" --inside ovs "$nswire" "${OVS_DOWN:-200}" || echo "scale: OVS backend N = ${OVS_DOWN:-200} failed"
  echo
  if command -v mn >/dev/null && command -v brctl >/dev/null; then
    NSWIRE_SANDBOX_OVS=1 "$sandbox" "$0" --inside mininet "$nswire" "${MININET:-200}" || echo "scale: the Mininet part failed"
  else
    echo "mininet: not installed (Debian packages mininet, bridge-utils): skipped"
  fi
  exit 0
fi
shift
part=$1 nswire=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_lab() { star_lab scale "$1" "$2" "$work/lab-$1-$2.yaml"; }  # N BACKEND -> file
run_nswire() {  # VERB LAB: appends peak RSS (KiB) to $work/rss
  /usr/bin/time -f %M -o "$work/rss.one" "$nswire" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  cat "$work/rss.one" >>"$work/rss"
}
settle() { sleep "${SETTLE:-2}"; }
ms_per() { awk -v s="$1" -v n="$2" 'BEGIN { printf "%.2f", s * 1000 / n }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
# ovs-vswitchd makes the netdev datapath with the first bridge of that type: not timed.
if [[ -S /var/run/openvswitch/db.sock ]]; then
  ovs-vsctl add-br nsw-warm -- set bridge nsw-warm datapath_type=netdev && ovs-vsctl del-br nsw-warm
fi
bench_baseline

case $part in
star)
  ovsd=$1; shift
  for n in "$@"; do
    lab=$(make_lab "$n" linux)
    # The floor: one ip -batch for the host part, and its ip -batch down.
    {
      echo "link add br0 type bridge"
      echo "link set br0 up"
      for ((i = 1; i <= n; i++)); do
        echo "netns add n$i"
        echo "link add h$i type veth peer name eth0 netns n$i"
        echo "link set h$i master br0 up"
      done
    } >"$work/up.batch"
    { for ((i = 1; i <= n; i++)); do echo "netns del n$i"; done; echo "link del br0"; } >"$work/down.batch"
    f0=$(now); ip -batch "$work/up.batch"; f1=$(now)
    settle
    f2=$(now); ip -batch "$work/down.batch"; wait_clean; f3=$(now)
    settle
    : >"$work/rss"
    l=$(load)
    t0=$(now); run_nswire up "$lab"; t1=$(now)
    reups=()
    for ((r = 0; r < ${REUPS:-10}; r++)); do
      settle
      a=$(now); run_nswire up "$lab"; b=$(now)
      grep -q ' 0 change' "$work/out" || { echo "scale: re-up of the in-sync lab changed something:" >&2; cat "$work/out" >&2; }
      reups+=("$(secs "$a" "$b")")
    done
    settle
    t4=$(now); run_nswire down "$lab"; wait_clean; t5=$(now)
    up=$(secs "$t0" "$t1") dn=$(secs "$t4" "$t5") fup=$(secs "$f0" "$f1") fdn=$(secs "$f2" "$f3")
    sorted=($(printf '%s\n' "${reups[@]}" | sort -n))
    rmin=${sorted[0]} rmax=${sorted[-1]} rmed=${sorted[$((${#sorted[@]} / 2))]}
    rss=$(sort -n "$work/rss" | tail -n 1)
    printf '%-5s %4d | %6s %6s %6s | %6s %6s %6s | %6s %6s %6s | %6s %6s %6s %6s | %5s %7s\n' \
      "$ovsd" "$n" "$up" "$fup" "$(ratio "$up" "$fup")" "$rmin" "$rmed" "$rmax" "$dn" "$fdn" "$(ratio "$dn" "$fdn")" \
      "$(ms_per "$up" "$n")" "$(ms_per "$fup" "$n")" "$(ms_per "$dn" "$n")" "$(ms_per "$rmed" "$n")" "$l" \
      "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
  done
  ;;
ovs)
  echo "OVS backend (ports on one OVS bridge, userspace datapath), load $(load):"
  for n in "$@"; do
    lab=$(make_lab "$n" ovs)
    : >"$work/rss"
    t0=$(now); run_nswire up "$lab"; t1=$(now)
    settle
    a=$(now); run_nswire up "$lab"; b=$(now)
    settle
    t4=$(now); run_nswire down "$lab"; wait_clean; t5=$(now)
    ovs_clean
    up=$(secs "$t0" "$t1") dn=$(secs "$t4" "$t5")
    printf '  N = %4d: up %s s (%s ms/node), re-up %s s, down %s s (%s ms/node), down/up %s, peak RSS %s MiB\n' "$n" \
      "$up" "$(ms_per "$up" "$n")" "$(secs "$a" "$b")" "$dn" "$(ms_per "$dn" "$n")" "$(ratio "$dn" "$up")" \
      "$(awk -v k="$(sort -n "$work/rss" | tail -n 1)" 'BEGIN { printf "%.1f", k / 1024 }')"
    settle
  done
  ;;
mininet)
  n=$1
  echo "Mininet $(dpkg-query -W -f='${Version}' mininet) vs nswire, star of $n hosts (ovs-vswitchd running), load $(load):"
  for backend in linux ovs; do
    lab=$(make_lab "$n" "$backend")
    : >"$work/rss"
    t0=$(now); run_nswire up "$lab"; t1=$(now)
    settle
    t2=$(now); run_nswire down "$lab"; wait_clean; t3=$(now)
    ovs_clean
    settle
    read -r _ mup _ mdn < <(/usr/bin/python3 "$here/mininet_star.py" "$backend" "$n")
    wait_clean
    ovs_clean
    up=$(secs "$t0" "$t1")
    printf '  %-5s: nswire up %s s, down %s s | Mininet up %s s, down %s s | Mininet/nswire up %s\n' "$backend" \
      "$up" "$(secs "$t2" "$t3")" "$mup" "$mdn" "$(ratio "$mup" "$up")"
    settle
  done
  ;;
esac
