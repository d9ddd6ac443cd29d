#!/usr/bin/env bash
# The crash walk of issue 18 on the kernel datapath, with the system's Open vSwitch: `up` and
# `down` of an OVS lab killed by SIGKILL at every state-changing step (the product's test fault
# hook, NSWIRE_TEST_KILL_AT_STEP; the steps are the hook's own log, NSWIRE_TEST_STEP_LOG). After
# each kill the next `up` converges (status in sync, every expectation green) and `down` leaves
# nothing: the namespaces, the links (ip -j link), the bridges and ports in the database
# (ovs-vsctl --format=json) and the kernel datapath's ports (ovs-dpctl show) are as before the
# walk. On the host the same walk runs on the userspace datapath (reconcile_crash_integration),
# whose bridge devices are taps; here they are the kernel's internal devices.
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/seed000-two-ovs-bridges-patched.yaml
trap 'nswire down "$lab" >/dev/null 2>&1' EXIT

snapshot() {
  ip netns list | awk '{print "netns", $1}'
  ip -j link show | jq -r '.[].ifname | "link " + .'
  for table in Bridge Port Interface; do
    ovs-vsctl --format=json --columns=name list "$table" | jq -r --arg t "$table" '.data[][0] | "ovs " + $t + " " + tostring'
  done
  ovs-dpctl show 2>/dev/null | sed -n 's/^ *port [0-9]*: \([^ ]*\).*/datapath port \1/p'
  ls /run/nswire 2>/dev/null | sed 's/^/run /'
}
steps_of() {  # steps_of ARGS...: the state-changing steps nswire takes (one per line)
  local log; log=$(mktemp)
  NSWIRE_TEST_STEP_LOG=$log nswire "$@" >/dev/null 2>&1
  cat "$log"; rm -f "$log"
}
left_nothing() { [[ "$(snapshot | sort)" == "$before" ]] || { diff <(echo "$before") <(snapshot | sort); return 1; }; }
converges() {  # converges WHAT: up, status in sync, test green, down, nothing left
  nswire up --backend ovs "$lab" >/dev/null 2>&1 || { bad "$1: the next up failed: $(nswire up --backend ovs "$lab" 2>&1 | tail -n 3)"; return; }
  nswire status --backend ovs "$lab" >/dev/null 2>&1 || bad "$1: status not in sync after the next up: $(nswire status --backend ovs "$lab" 2>&1 | grep -v '  ok ' | tail -n 5)"
  nswire test --backend ovs "$lab" >/dev/null 2>&1 || bad "$1: expectations fail after the next up: $(nswire test --backend ovs "$lab" 2>&1 | tail -n 5)"
  nswire down "$lab" >/dev/null 2>&1 || bad "$1: down after the next up failed"
  left_nothing || bad "$1: down left something"
}

check "the kernel datapath" test -d /sys/module/openvswitch || finish
before=$(snapshot | sort)

mapfile -t up_steps < <(steps_of up --backend ovs "$lab")
nswire down "$lab" >/dev/null 2>&1
mapfile -t down_steps < <(nswire up --backend ovs "$lab" >/dev/null 2>&1; steps_of down "$lab")
say "up has ${#up_steps[@]} steps, down ${#down_steps[@]}"
((${#up_steps[@]} > 5 && ${#down_steps[@]} > 2)) || bad "too few steps seen (up ${#up_steps[@]}, down ${#down_steps[@]})"
left_nothing || bad "up + down before the walk left something"

walk_failures=$failures
for ((n = 1; n <= ${#up_steps[@]}; n++)); do
  rc=$( { NSWIRE_TEST_KILL_AT_STEP=$n nswire up --backend ovs "$lab"; } >/dev/null 2>&1; echo $?)
  ((rc == 137)) || bad "up with the kill at step $n exited $rc, not killed"
  converges "up killed at step $n (${up_steps[n - 1]})"
done
((failures == walk_failures)) && echo "ok    up killed at each of its ${#up_steps[@]} steps: the next up converges, down leaves nothing"

walk_failures=$failures
for ((n = 1; n <= ${#down_steps[@]}; n++)); do
  nswire up --backend ovs "$lab" >/dev/null 2>&1 || bad "up before the down killed at step $n failed"
  rc=$( { NSWIRE_TEST_KILL_AT_STEP=$n nswire down "$lab"; } >/dev/null 2>&1; echo $?)
  ((rc == 137)) || bad "down with the kill at step $n exited $rc, not killed"
  converges "down killed at step $n (${down_steps[n - 1]})"
done
((failures == walk_failures)) && echo "ok    down killed at each of its ${#down_steps[@]} steps: the next up converges, down leaves nothing"
finish
