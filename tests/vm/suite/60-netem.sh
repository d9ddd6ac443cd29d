#!/usr/bin/env bash
# netem impairments on a kernel that has sch_netem (Debian's; the CI machine's has none), on both
# backends: examples/wan-impairment.yaml (two sites, a WAN link with 30 ms, 1% loss, 50 mbit each
# way) up, its measuring tests and its fault sequence green, every netem key of the lab file set
# at run time and read back in sync, drift by hand repaired, down leaves nothing.
# Oracles, independent of nswire: `tc qdisc show` (the root qdisc of each end, as tc prints it),
# ping from `ip netns exec` (the round trip holds the delay), `ip netns list`, `ip link`.
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/wan-impairment.yaml
trap 'nswire down "$lab" >/dev/null 2>&1' EXIT

modprobe sch_netem 2>/dev/null
check "sch_netem is loaded" test -d /sys/module/sch_netem
# The root qdisc of NODE's DEV as tc prints it: "qdisc netem 5e01: root refcnt 2 limit 1000 delay 30ms loss 1% rate 50Mbit".
root() { tc -n "$1" qdisc show dev "$2" root | head -n 1; }
rtt_min_ms() {  # the smallest round trip of N pings, in whole ms (iputils' summary line)
  ip netns exec "$1" ping -c "$3" -i 0.05 -W 2 -q "$2" | awk -F'[/ =]+' '/^rtt/ { printf "%d", $6 }'
}
# holds TEXT PATTERN...: every pattern is in TEXT (tc's order of its words is its own).
holds() {
  local text=$1 p; shift
  for p in "$@"; do grep -Eq -- "$p" <<<"$text" || return 1; done
}

for backend in linux ovs; do
  say "backend $backend"
  check "nswire up --backend $backend" nswire up --backend "$backend" "$lab" || continue
  for r in ra rb; do
    q=$(root "$r" wan)
    echo "      $r:wan  $q"
    check "$r:wan: nswire's netem (5e01:) with delay 30ms, loss 1%, rate 50Mbit" \
      holds "$q" '^qdisc netem 5e01: root ' 'limit 1000' 'delay 30(\.0)?ms' 'loss 1%' 'rate 50Mbit'
  done
  check "status: in sync" nswire status --backend "$backend" "$lab"
  min=$(rtt_min_ms a1 10.2.0.10 20)
  check "ping a1 -> b1: the smallest round trip ${min:-?} ms holds the 2 x 30 ms" test "${min:-0}" -ge 60
  check "nswire test (rtt, loss, the rate, the wan-cut sequence)" \
    nswire test --backend "$backend" "$lab" --junit "$JUNIT_DIR/wan-impairment-$backend.xml"
  # Changed by hand: drift, repaired by up.
  tc -n ra qdisc change dev wan root handle 5e01: netem delay 5ms
  refuse "status sees a qdisc changed by hand (exit 3)" nswire status --backend "$backend" "$lab"
  check "nswire up repairs it" nswire up --backend "$backend" "$lab"
  check "ra:wan: delay 30ms again" holds "$(root ra wan)" 'delay 30(\.0)?ms' 'loss 1%' 'rate 50Mbit'
  # Every netem key of the lab file, at run time (an override), read back exactly: status in sync.
  check "nswire link ra:wan set (every key), out only" nswire link --backend "$backend" "$lab" ra:wan set --direction out \
    --delay 20ms --jitter 5ms --loss 1% --duplicate 0.1% --corrupt 0.1% --reorder 1% --rate 100mbit --limit 1000
  q=$(root ra wan)
  echo "      ra:wan  $q"
  check "ra:wan: tc shows every key" \
    holds "$q" 'limit 1000' 'delay 20(\.0)?ms +5(\.0)?ms' 'loss 1%' 'duplicate 0\.1%' 'reorder 1%' 'corrupt 0\.1%' 'rate 100Mbit'
  check "rb:wan: as the file says" holds "$(root rb wan)" 'delay 30(\.0)?ms' 'loss 1%' 'rate 50Mbit'
  check "status: the override is as wanted (exit 0) and noted" \
    bash -c "nswire status --backend $backend '$lab' | grep -q 'note: override in force'"
  check "nswire link ra:wan set --delay 100ms" nswire link --backend "$backend" "$lab" ra:wan set --delay 100ms
  min=$(rtt_min_ms a1 10.2.0.10 10)
  check "ping a1 -> b1: smallest round trip ${min:-?} ms holds the 2 x 100 ms" test "${min:-0}" -ge 200
  check "nswire link ra:wan reset" nswire link --backend "$backend" "$lab" ra:wan reset
  check "ra:wan: the file's netem again" holds "$(root ra wan)" 'delay 30(\.0)?ms' 'loss 1%' 'rate 50Mbit'
  check "nswire down" nswire down --backend "$backend" "$lab"
  check "nothing of the lab left (netns, site bridges)" \
    bash -c '[[ -z $(ip netns list) ]] && ! ip link show dev site-a 2>/dev/null && ! ip link show dev site-b 2>/dev/null'
done
finish
