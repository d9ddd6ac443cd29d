#!/usr/bin/env bash
# Every lab in examples/ up -> test -> re-up in sync -> status -> down, on both backends, against
# the guest's systemd-started Open vSwitch (no sandbox: this machine is throwaway), with
# datapath auto resolving to the kernel datapath: run-examples.sh checks each OVS bridge with
# ovs-vsctl (datapath_type system), ovs-appctl dpif/show (system@ovs-system) and ovs-dpctl show
# (its ports in the kernel datapath). One JUnit testcase per example and backend (examples.xml).
source "$(dirname "$0")/lib.sh"
[[ -d /sys/module/openvswitch ]] || modprobe openvswitch
check "openvswitch kernel module loaded" test -d /sys/module/openvswitch
check "the system Open vSwitch is active" systemctl is-active openvswitch-switch
log=$(mktemp)
NSWIRE_EXAMPLES_OVS=system NSWIRE_EXAMPLES_DATAPATH=system NSWIRE_EXAMPLES_JUNIT=$JUNIT_DIR/examples.xml \
  NSWIRE_EXAMPLES_VERBOSE=1 "$WORK/tests/integration/examples/run-examples.sh" "$(command -v nswire)" | tee "$log"
((PIPESTATUS[0] == 0)) || bad "run-examples.sh (see the lines above)"
# The kernel-datapath oracle really ran: one line per OVS bridge checked.
n=$(grep -c '  kernel datapath: ' "$log")
check "the kernel datapath was checked ($n OVS bridge(s) seen in system@ovs-system by ovs-dpctl show)" test "$n" -gt 0
rm -f "$log"
# On this kernel nothing is skipped for want of the kernel (bridge VLAN filtering, sch_netem):
# what is skipped here is so for other reasons, said in each message (a lab across hosts, a
# backend refusing a lab's settings, no OVN in the guest).
kernel_skips=$(grep -o 'name="[^"]*"><skipped message="this kernel[^"]*' "$JUNIT_DIR/examples.xml" || true)
[[ -z $kernel_skips ]] || bad "an example was skipped for want of the kernel on Debian's kernel: $kernel_skips"
finish
