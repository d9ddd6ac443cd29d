#!/usr/bin/env bash
# run-examples.sh NSWIRE [EXAMPLE.yaml...]
#
# Brings every lab in examples/ (or the ones named) up, tests it and brings it down, once with
# `--backend linux` and once with `--backend ovs`, each (example, backend) in its OWN throwaway
# sandbox (tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1: private net + mount namespaces, a
# private ovsdb-server + ovs-vswitchd). Per case:
#   validate; plan --json (which backend serves each bridge); graph; up; the bridges checked
#   with ip/ovs-vsctl as oracles; test --junit; a second `up --json` that must have no actions; status (exit 0);
#   example-specific checks; down; down again (idempotent); then nothing may be left: the
#   namespaces, links (but the datapath's own ovs-system/ovs-netdev device), OVS bridges and lab
#   records in /run/nswire/labs are what they were before the case (in a sandbox: none but lo).
# Prints one PASS/FAIL/XFAIL/XPASS/SKIP line per example+backend and "N passed, N failed[, N
# skipped]"; exits 1 on any FAIL or XPASS. A VLAN lab's Linux-backend run is SKIPPED, loudly and
# with the reason, on a kernel without bridge VLAN filtering (this CI machine's), and so is a lab
# that impairs a link with netem on a kernel without sch_netem (after checking that `up` refuses
# it, naming the module, and changes nothing): the VM tier (tests/vm) runs both on Debian's
# kernel, where they must pass. A lab that asks for switch settings a
# backend has not (OpenFlow control, mirrors, QoS, ...: `nswire validate --backend B` refuses it)
# is SKIPPED on that backend, with the validator's reason. A lab across hosts (a `hosts:`
# section) is SKIPPED with a pointer to the test that runs it on simulated hosts
# (tests/integration/multihost/run-example.sh). Bridges a lab puts on OVN (`backend: ovn`) are
# checked as logical switches in the embedded OVN's Northbound database, which must be gone
# after `down`.
#
# It may itself run inside a sandbox (as ctest does); each case then gets a nested one.
# Env: NSWIRE_EXAMPLES_BACKENDS="linux ovs" (default), NSWIRE_EXAMPLES_VERBOSE=1 (print every
# case's log, not only failing ones), NSWIRE_EXAMPLES_DIR (default: the repository's examples/),
# NSWIRE_EXAMPLES_JUNIT=FILE (also write a JUnit report, one testcase per example+backend),
# NSWIRE_EXAMPLES_DATAPATH=system|netdev (require OVS bridges on that datapath, checked with
# `ovs-vsctl get Bridge B datapath_type`, `ovs-appctl dpif/show` and, for system, `ovs-dpctl
# show`: system@ovs-system with every non-patch port of the bridge).
# NSWIRE_EXAMPLES_OVS=system: no sandboxes; every case runs in this machine's own namespace
# against the Open vSwitch that answers on its system socket (the VM tier's guest: Debian's
# systemd-started openvswitch-switch). ONLY for a throwaway machine; what was there before a case
# (namespaces, links, OVS bridges) must be there, and only that, after it.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SANDBOX="$ROOT/tests/harness/sandbox"

# Known-broken combinations: "example-basename:backend" -> reason (must name the bug).
# They still run and are printed as XFAIL (or XPASS, which counts as a failure: drop the entry).
# (none at present; the `down` of labs with `attach:` nodes that was listed here is fixed)
declare -A XFAIL=()
# Found by the VM tier (2026-12-02), not yet fixed: on the kernel datapath the SPAN mirror of
# ovs-sdn delivers nothing to its output port (the userspace datapath delivers every packet).
# Not reproduced in isolation: in the guest, the lab up on the kernel datapath, `nswire capture`
# started 1.5 s before a 3-ping exchange got its 4 packets, the Mirror row counted tx_packets 16,
# and `ovs-appctl dpif/dump-flows` showed the tap port as an extra output of the client<->web ICMP
# flows (actions:4,2 / 2,3). So the mirror works there; what differs here (the capture's start,
# 2 pings for exactly 4 packets, flows made before by `nswire test`) is still to be found.
[[ ${NSWIRE_EXAMPLES_DATAPATH:-} == system ]] && XFAIL[ovs-sdn:ovs]="the mirror delivers no packet to its output port on the kernel datapath"

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------------------------------------
# Inner mode: one case, inside a fresh sandbox.
if [[ "${1:-}" == --case ]]; then
  NSWIRE=$2 EXAMPLE=$3 BACKEND=$4
  SYSTEM_OVS=0
  [[ "${NSWIRE_EXAMPLES_OVS:-sandbox}" == system ]] && SYSTEM_OVS=1
  [[ $SYSTEM_OVS == 1 || ( "${NSWIRE_SANDBOX_INSIDE:-}" == 1 && -n "${NSWIRE_OVSDB:-}" ) ]] || {
    echo "run-examples.sh --case must run inside tests/harness/sandbox with NSWIRE_SANDBOX_OVS=1 (or with NSWIRE_EXAMPLES_OVS=system)" >&2
    exit 2
  }
  # What this namespace holds before the case: afterwards it must hold exactly that again.
  inventory() {
    ip netns list | awk '{print "netns " $1}'
    # ovs-system / ovs-netdev: the datapath's own device, made and kept by ovs-vswitchd, not by a lab.
    ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); if ($2 != "ovs-system" && $2 != "ovs-netdev") print "link " $2}'
    ovs-vsctl list-br | sed 's/^/ovs-bridge /'
    ls /run/nswire/labs/*.json 2>/dev/null | sed 's/^/lab-record /'
  }
  before=$(inventory | sort)
  # ovs-appctl reaches the ovs-vswitchd this case talks to: the sandbox's has its own control socket.
  appctl=(ovs-appctl)
  [[ $SYSTEM_OVS == 0 && -S "${NSWIRE_SANDBOX_DIR:-}/vswitchd.ctl" ]] && appctl=(ovs-appctl -t "$NSWIRE_SANDBOX_DIR/vswitchd.ctl")
  base=$(basename "$EXAMPLE" .yaml)
  T=$(mktemp -d /tmp/nswire-example.XXXXXX)
  F="$T/$base.yaml"
  cp "$EXAMPLE" "$F"
  failed=0
  helper_pid=""
  fail() { echo "FAILED: $*"; failed=1; }
  STEP_OUT=""
  step() {  # step NAME EXPECTED_RC CMD...; the command's stdout is left in STEP_OUT
    local name=$1 want=$2; shift 2
    local t0=$EPOCHREALTIME rc shown="$*"
    STEP_OUT=$("$@" 2>"$T/stderr"); rc=$?
    shown=${shown/#N /nswire }
    [[ "$1" == N ]] && shown=${shown/#"nswire $2 "/"nswire $2 --backend $BACKEND "}
    printf '  $ %s   [rc=%d, %ss]\n' "$shown" "$rc" "$(elapsed "$t0")"
    { cat "$T/stderr"; [[ -n "$STEP_OUT" ]] && echo "$STEP_OUT"; } | sed 's/^/    | /'
    if [[ $rc -ne $want ]]; then fail "$name exited $rc, expected $want"; return 1; fi
    return 0
  }
  cleanup_case() {
    if [[ -n "$helper_pid" ]]; then kill "$helper_pid" 2>/dev/null; wait "$helper_pid" 2>/dev/null; fi
    rm -rf "$T"
  }
  trap cleanup_case EXIT
  N() { "$NSWIRE" "$1" --backend "$BACKEND" "${@:2}"; }

  # --- per-example preparation ---
  case "$base" in
    seed004-attach-pid)
      # The "container": a process with a network namespace of its own; its pid goes in the file.
      unshare --net sleep 600 & helper_pid=$!
      for _ in $(seq 50); do
        [[ "$(readlink /proc/$helper_pid/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]] && break
        sleep 0.05
      done
      sed -i "s/__PID__/$helper_pid/" "$F"
      echo "  (template: __PID__ -> $helper_pid, a \`unshare --net sleep 600\`)"
      ;;
    seed004-attach-path)
      ip netns add seed004-ctr && echo "  (ip netns add seed004-ctr)"
      ;;
  esac

  step validate 0 "$NSWIRE" validate "$F"
  # Which backend serves each bridge (the file's per-bridge word, else --backend).
  plan=$(N plan "$F" --json 2>"$T/stderr") || fail "plan --json exited $?: $(cat "$T/stderr")"
  mapfile -t bridges < <(jq -r '.actions[] | select(.kind=="bridge" and .op=="create") | "\(.object) \(.detail)"' <<<"$plan")
  echo "  bridges: ${bridges[*]:-(none)}"
  N graph "$F" >/dev/null 2>"$T/stderr" || fail "graph exited non-zero: $(cat "$T/stderr")"
  # A lab that needs what this kernel lacks (sch_netem for netem impairments, 8021q for VLAN
  # subinterfaces): `up` must refuse before changing anything and name the module; then the case
  # is skipped (exit 77), loudly. refused_without MODULE WHAT VM_CASE
  refused_without() {
    if step "up refused without $1" 1 N up "$F"; then
      grep -q "module $1" "$T/stderr" || fail "up did not name the missing module $1"
    fi
    [[ "$(inventory | sort)" == "$before" ]] || fail "the refused up changed something: $(comm -13 <(echo "$before") <(inventory | sort) | tr '\n' ' ')"
    [[ $failed == 0 ]] || exit 1
    echo "SKIPPED: this kernel ($(uname -r)) has no $2; nswire up refused it, naming the module $1, and changed nothing; the VM tier ($3, Debian's kernel) runs this lab"
    exit 77
  }
  netem_ends=$(jq '[.actions[] | select(.kind == "qdisc" and (.detail | startswith("netem")))] | length' <<<"$plan")
  if [[ "${netem_ends:-0}" -gt 0 ]] && ! unshare --net tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
    refused_without sch_netem "sch_netem (the lab impairs $netem_ends link end(s) with netem)" tests/vm/suite/60-netem.sh
  fi
  vlan_subifs=$(jq '[.actions[] | select(.kind == "link" and .op == "create" and (.detail | startswith("VLAN ")))] | length' <<<"$plan")
  if [[ "${vlan_subifs:-0}" -gt 0 ]] &&
    ! unshare --net bash -c 'ip link add name nsw-v0 type veth peer name nsw-v1 && ip link add link nsw-v0 name nsw-v0.1 type vlan id 1' 2>/dev/null; then
    refused_without 8021q "802.1Q VLAN devices (the lab makes $vlan_subifs VLAN subinterface(s))" tests/vm/suite/70-trunks-bonds.sh
  fi
  if step up 0 N up "$F"; then
    case "$base" in
      ovs-sdn)
        # Standalone with an unreachable controller fails open after 3 missed probes (3 x 1 s):
        # until then the bridge forwards nothing, so the lab's tests wait that long first.
        sleep 4
        ;;
    esac
    # Oracle: each bridge exists where its backend puts it, and only there.
    for b in "${bridges[@]}"; do
      name=${b%% *} kind=${b#* } kind=${kind%%,*}  # detail: "BACKEND[, settings...]" ("ovn, gateway ...")
      if [[ $kind == ovn* ]]; then
        # A logical switch in the OVN Northbound database (the embedded OVN's on one machine).
        nb=unix:/run/nswire/ovn/ovnnb_db.sock
        ids=$(ovn-nbctl --db="$nb" --bare --columns=external_ids find Logical_Switch name="$name" 2>&1)
        [[ "$ids" == *"nswire-lab=$(jq -r .lab <<<"$plan")"* ]] || fail "bridge $name: no logical switch with the lab's mark in $nb: $ids"
        ! ip -o link show dev "$name" >/dev/null 2>&1 || fail "bridge $name: an OVN bridge is no host device, but there is one"
      elif [[ $kind == ovs* ]]; then
        ovs-vsctl br-exists "$name" || fail "bridge $name: not an OVS bridge"
        [[ "$(ovs-vsctl get Bridge "$name" external_ids:nswire-lab 2>/dev/null)" == *"$(jq -r .lab <<<"$plan")"* ]] ||
          fail "bridge $name: no external_ids:nswire-lab mark"
        if [[ -n "${NSWIRE_EXAMPLES_DATAPATH:-}" ]]; then
          want=$NSWIRE_EXAMPLES_DATAPATH
          got=$(ovs-vsctl get Bridge "$name" datapath_type 2>&1 | tr -d '"')
          [[ $got == "$want" ]] || fail "bridge $name: datapath_type '$got', expected $want"
          # The datapath ovs-vswitchd really runs the bridge on (not only what the database says).
          dpif=$("${appctl[@]}" dpif/show 2>&1)
          awk -v dp="$want@ovs-$want" -v br="$name" '
              /^[^ \t]/ { cur = $1; sub(/:$/, "", cur) } $1 == br":" && cur == dp { ok = 1 }
              END { exit !ok }' <<<"$dpif" || fail "bridge $name: not on $want@ovs-$want in ovs-appctl dpif/show: $(tr '\n' ';' <<<"$dpif")"
          if [[ $want == system ]]; then
            dp=$(ovs-dpctl show 2>&1)
            grep -q '^system@ovs-system:' <<<"$dp" || fail "ovs-dpctl show: no system@ovs-system: $(tr '\n' ';' <<<"$dp")"
            for port in $(ovs-vsctl list-ports "$name"); do
              [[ "$(ovs-vsctl get Interface "$port" type 2>/dev/null | tr -d '"')" == patch ]] && continue
              grep -Eq "^ +port [0-9]+: $port( |\$)" <<<"$dp" || fail "port $port of $name: not in the kernel datapath (ovs-dpctl show)"
            done
            echo "  kernel datapath: $name and its ports in system@ovs-system (ovs-dpctl show)"
          fi
        fi
      else
        ip -d -o link show dev "$name" 2>/dev/null | grep -q ' bridge ' || fail "bridge $name: not a Linux bridge"
        ! ovs-vsctl br-exists "$name" 2>/dev/null || fail "bridge $name: is an OVS bridge, expected linux"
      fi
    done
    step test 0 N test "$F" --junit "$T/junit.xml"
    if [[ -s "$T/junit.xml" ]]; then
      xmllint --noout "$T/junit.xml" 2>/dev/null || fail "junit: not well-formed XML"
      grep -q '<testsuite' "$T/junit.xml" || fail "junit: no <testsuite>"
      echo "  junit: $(grep -c '<testcase' "$T/junit.xml") testcase(s), $(grep -c '<failure' "$T/junit.xml") failure(s)"
    else
      fail "test --junit wrote no file"
    fi
    if step "second up" 0 N up "$F" --json; then
      n=$(jq '.actions | length' <<<"$STEP_OUT")
      [[ "$n" == 0 ]] || fail "second up is not a no-op: ${n:-unreadable JSON} action(s)"
    fi
    step status 0 N status "$F"
    # --- per-example checks ---
    case "$base" in
      seed002-host-link)
        step "host -> netns1 ping" 0 ping -c1 -W2 10.1.1.2  # the seed's host-side ping
        ;;
      seed003-docker0-bridge)
        out=$(N exec "$F" ns1 -- cat /etc/resolv.conf 2>&1)
        echo "  ns1 /etc/resolv.conf: $(tr '\n' ';' <<<"$out")"
        grep -q '^nameserver 8.8.8.8' <<<"$out" || fail "ns1: resolv.conf has no nameserver 8.8.8.8"
        out=$(N exec "$F" ns1 -- ip route show default 2>&1)
        grep -q 'via 192.168.10.1' <<<"$out" || fail "ns1: no default route via 192.168.10.1: $out"
        ;;
      seed004-attach-pid)
        nsenter -t "$helper_pid" -n ip -o link show eth0 >/dev/null 2>&1 || fail "pid $helper_pid: no eth0 in its namespace"
        ;;
      seed004-attach-path)
        ip -n seed004-ctr -o link show eth0 >/dev/null 2>&1 || fail "seed004-ctr: no eth0"
        ;;
      ovs-sdn)
        [[ "$(ovs-vsctl get-fail-mode sdn0)" == standalone ]] || fail "sdn0: fail mode is not standalone"
        [[ "$(ovs-vsctl get-controller sdn0)" == tcp:127.0.0.1:6653 ]] || fail "sdn0: controller is not tcp:127.0.0.1:6653"
        [[ "$(ovs-vsctl --format=json get Bridge sdn0 protocols | tr -d ' ')" == *OpenFlow10*OpenFlow13* ]] || fail "sdn0: protocols"
        # The mirror: what web receives reaches tap, as `nswire capture` records it (tcpdump reads it).
        N capture "$F" tap:eth0 -w "$T/span.pcap" --filter icmp --count 4 --duration 10 2>"$T/capture.err" &
        cap=$!
        for _ in $(seq 100); do grep -q capturing "$T/capture.err" 2>/dev/null && break; sleep 0.05; done
        N exec "$F" client -- ping -c 2 -i 0.2 10.30.0.10 >/dev/null 2>&1
        wait "$cap" || fail "capture exited non-zero: $(cat "$T/capture.err")"
        n=$(tcpdump -r "$T/span.pcap" -n 2>/dev/null | grep -c 'ICMP echo')
        echo "  mirror span-web -> tap:eth0: $n ICMP packet(s) captured"
        [[ "$n" == 4 ]] || fail "the mirror delivered $n ICMP packets to tap, expected 4"
        ;;
    esac
  fi
  step down 0 N down "$F"
  step "down again" 0 N down "$F"
  # --- the attached namespaces survive, emptied of what nswire put there ---
  case "$base" in
    seed004-attach-pid)
      kill -0 "$helper_pid" 2>/dev/null || fail "pid $helper_pid died"
      left=$(nsenter -t "$helper_pid" -n ip -o link show | awk -F': ' '{print $2}' | grep -v '^lo$')
      [[ -z "$left" ]] || fail "pid $helper_pid's namespace still has: $left"
      kill "$helper_pid"; wait "$helper_pid" 2>/dev/null; helper_pid=""
      ;;
    seed004-attach-path)
      [[ -e /run/netns/seed004-ctr ]] || fail "down deleted the attached namespace seed004-ctr"
      left=$(ip -n seed004-ctr -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -v '^lo$')
      [[ -z "$left" ]] || fail "seed004-ctr still has: $left"
      ip netns del seed004-ctr 2>/dev/null
      ;;
  esac
  # --- nothing left: the namespace holds what it held before (in a sandbox: lo only) ---
  after=$(inventory | sort)
  left=$(comm -13 <(echo "$before") <(echo "$after"))
  [[ -z "$left" ]] || fail "left behind: $(tr '\n' ' ' <<<"$left")"
  gone=$(comm -23 <(echo "$before") <(echo "$after"))
  [[ -z "$gone" ]] || fail "removed what was there before: $(tr '\n' ' ' <<<"$gone")"
  if [[ $SYSTEM_OVS == 0 ]]; then
    left=$(ip netns list; ip -o link show | awk -F': ' '{print $2}' | grep -Ev '^(lo|ovs-netdev|ovs-system)$'; ovs-vsctl list-br)
    [[ -z "$left" ]] || fail "sandbox not empty: $(tr '\n' ' ' <<<"$left")"
  fi
  # The embedded OVN a lab started on this machine is gone with the last lab.
  [[ ! -e /run/nswire/ovn ]] || fail "the embedded OVN is still there after down: $(ls /run/nswire/ovn | tr '\n' ' ')"
  exit $failed
fi

# ---------------------------------------------------------------------------------------------
# Outer mode: every example x backend, each in its own sandbox.
NSWIRE=${1:?usage: run-examples.sh NSWIRE [EXAMPLE.yaml...]}
shift
NSWIRE=$(realpath "$NSWIRE")
[[ -x "$NSWIRE" ]] || { echo "run-examples.sh: $NSWIRE is not executable" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "run-examples.sh: must run as root (it makes sandboxes)" >&2; exit 2; }
for tool in jq awk xmllint ovs-vsctl ovsdb-server unshare nsenter; do
  command -v "$tool" >/dev/null || { echo "run-examples.sh: $tool not found" >&2; exit 2; }
done
if [[ $# -gt 0 ]]; then
  examples=("$@")
else
  examples=("${NSWIRE_EXAMPLES_DIR:-$ROOT/examples}"/*.yaml)
fi
read -ra backends <<<"${NSWIRE_EXAMPLES_BACKENDS:-linux ovs}"
system_ovs=0
if [[ "${NSWIRE_EXAMPLES_OVS:-sandbox}" == system ]]; then
  system_ovs=1
  ovs-vsctl --timeout=10 show >/dev/null || { echo "run-examples.sh: NSWIRE_EXAMPLES_OVS=system, but no Open vSwitch answers on the system socket" >&2; exit 2; }
fi
# Does this kernel filter VLANs on a bridge (CONFIG_BRIDGE_VLAN_FILTERING)? Asked in a throwaway
# network namespace.
vlan_filtering=0
unshare --net ip link add name nsw-vlanprobe type bridge vlan_filtering 1 2>/dev/null && vlan_filtering=1
# The Linux backend's VLAN support needs it: a lab whose nodes sit on VLANs (access, trunks, a
# VLAN mode) is skipped there.
uses_vlans() { grep -Eq '(^|[{,[:space:]])(vlan:[[:space:]]*[0-9]|trunks:|vlan_mode:)' "$1"; }
pass=0 fail=0 xfail=0 skip=0
summary=()
junit_cases=""
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' | tr -d '\000-\010\013\014\016-\037'; }
for ex in "${examples[@]}"; do
  ex=$(realpath "$ex")
  base=$(basename "$ex" .yaml)
  # A lab across hosts needs hosts: simulated ones run it (tests/integration/multihost).
  if grep -Eq '^hosts:' "$ex"; then
    why="a lab across hosts (hosts: section): it runs on simulated hosts in tests/integration/multihost (ctest -R multihost_example, run-example.sh)"
    for be in "${backends[@]}"; do
      line=$(printf '%-5s %-40s %-6s %6ss  (%s)' SKIP "$base" "$be" 0.00 "$why")
      echo "$line"
      summary+=("$line")
      skip=$((skip + 1))
      junit_cases+="  <testcase classname=\"examples\" name=\"$base --backend $be\" time=\"0\"><skipped message=\"$(xml_escape <<<"$why")\"/></testcase>"$'\n'
    done
    continue
  fi
  # A lab on OVN needs OVN's daemons (the embedded OVN runs Debian's ovn-northd and
  # ovn-controller): where they are not installed it is skipped, loudly (CI's machine has them).
  if grep -Eq 'backend:[[:space:]]*ovn' "$ex" && ! command -v ovn-northd >/dev/null; then
    why="no OVN on this machine (ovn-northd not found; Debian's ovn-central and ovn-host): CI runs it (ctest examples_labs_integration)"
    for be in "${backends[@]}"; do
      line=$(printf '%-5s %-40s %-6s %6ss  (%s)' SKIP "$base" "$be" 0.00 "$why")
      echo "$line"
      summary+=("$line")
      skip=$((skip + 1))
      junit_cases+="  <testcase classname=\"examples\" name=\"$base --backend $be\" time=\"0\"><skipped message=\"$(xml_escape <<<"$why")\"/></testcase>"$'\n'
    done
    continue
  fi
  for be in "${backends[@]}"; do
    # A lab whose switch settings (controllers, mirrors, QoS, ...) this backend has not: its
    # validator says which (by the backend's traits), and the case is skipped with that reason.
    refused=$("$NSWIRE" validate "$ex" --backend "$be" 2>&1 >/dev/null | grep -m1 -E ': (.*): the [a-z]+ backend .*has no ' || true)
    if [[ -n $refused ]] || { [[ $be == linux && $vlan_filtering == 0 ]] && uses_vlans "$ex"; }; then
      why="this kernel ($(uname -r)) has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING): the Linux backend cannot make access VLANs or trunks here; the VM tier (tests/vm, Debian's kernel) runs this case"
      [[ -n $refused ]] && why="the $be backend cannot serve this lab: ${refused#*: }"
      line=$(printf '%-5s %-40s %-6s %6ss  (%s)' SKIP "$base" "$be" 0.00 "$why")
      echo "$line"
      summary+=("$line")
      skip=$((skip + 1))
      junit_cases+="  <testcase classname=\"examples\" name=\"$base --backend $be\" time=\"0\"><skipped message=\"$(xml_escape <<<"$why")\"/></testcase>"$'\n'
      continue
    fi
    log=$(mktemp /tmp/nswire-example-log.XXXXXX)
    t0=$EPOCHREALTIME
    if [[ $system_ovs == 1 ]]; then
      timeout -k 10 "${NSWIRE_EXAMPLES_TIMEOUT:-300}" "$HERE/run-examples.sh" --case "$NSWIRE" "$ex" "$be" >"$log" 2>&1
    else
      # A fresh sandbox even when this script already runs in one (unset the "inside" mark).
      env -u NSWIRE_SANDBOX_INSIDE -u NSWIRE_OVSDB NSWIRE_SANDBOX_OVS=1 timeout -k 10 "${NSWIRE_EXAMPLES_TIMEOUT:-300}" \
        "$SANDBOX" "$HERE/run-examples.sh" --case "$NSWIRE" "$ex" "$be" >"$log" 2>&1
    fi
    rc=$?
    secs=$(elapsed "$t0")
    key="$base:$be"
    if [[ $rc -eq 77 ]]; then  # the case said why it cannot run on this machine
      why=$(sed -n 's/^SKIPPED: //p' "$log" | tail -n 1)
      line=$(printf '%-5s %-40s %-6s %6ss  (%s)' SKIP "$base" "$be" "$secs" "$why")
      echo "$line"
      summary+=("$line")
      skip=$((skip + 1))
      junit_cases+="  <testcase classname=\"examples\" name=\"$base --backend $be\" time=\"$secs\"><skipped message=\"$(xml_escape <<<"$why")\"/></testcase>"$'\n'
      rm -f "$log"
      continue
    fi
    if [[ $rc -eq 0 ]]; then verdict=PASS; else verdict=FAIL; fi
    if [[ -n "${XFAIL[$key]:-}" ]]; then
      if [[ $verdict == FAIL ]]; then verdict=XFAIL; else verdict=XPASS; fi
    fi
    case $verdict in
      PASS) pass=$((pass + 1)) ;;
      XFAIL) xfail=$((xfail + 1)) ;;
      *) fail=$((fail + 1)) ;;
    esac
    line=$(printf '%-5s %-40s %-6s %6ss' "$verdict" "$base" "$be" "$secs")
    [[ $rc -eq 124 ]] && line+="  (timed out)"
    [[ -n "${XFAIL[$key]:-}" ]] && line+="  (known: ${XFAIL[$key]})"
    if [[ $verdict != PASS || "${NSWIRE_EXAMPLES_VERBOSE:-0}" == 1 ]]; then
      echo "---- $base --backend $be"
      cat "$log"
    fi
    echo "$line"
    summary+=("$line")
    junit_cases+="  <testcase classname=\"examples\" name=\"$base --backend $be\" time=\"$secs\">"
    case $verdict in
      FAIL|XPASS) junit_cases+="<failure message=\"$verdict (exit $rc)\">$(tail -n 60 "$log" | xml_escape)</failure>" ;;
      XFAIL) junit_cases+="<skipped message=\"known: $(xml_escape <<<"${XFAIL[$key]}")\"/>" ;;
    esac
    junit_cases+="</testcase>"$'\n'
    rm -f "$log"
  done
done
echo "==== examples: $((${#examples[@]})) file(s) x ${#backends[@]} backend(s)"
printf '%s\n' "${summary[@]}"
if [[ -n "${NSWIRE_EXAMPLES_JUNIT:-}" ]]; then
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuite name=\"examples\" tests=\"$((pass + fail + xfail + skip))\" failures=\"$fail\" skipped=\"$((skip + xfail))\">"
    printf '%s' "$junit_cases"
    echo '</testsuite>'
  } >"$NSWIRE_EXAMPLES_JUNIT"
fi
[[ $xfail -gt 0 ]] && echo "($xfail expected failure(s))"
echo "$pass passed, $fail failed$([[ $skip -gt 0 ]] && echo ", $skip skipped")"
[[ $fail -eq 0 ]]
