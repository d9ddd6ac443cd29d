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
NSWIRE_EXAMPLES_OVS=system NSWIRE_EXAMPLES_DATAPATH=system NSWIRE_EXAMPLES_JUNIT=$JUNIT_DIR/examples.xml \
  "$WORK/tests/integration/examples/run-examples.sh" "$(command -v nswire)" || bad "run-examples.sh (see the lines above)"
# In this kernel the Linux backend's VLAN run must really run, not be skipped.
grep -q '<skipped' "$JUNIT_DIR/examples.xml" && bad "an example was skipped on Debian's kernel: $(grep -o 'name="[^"]*"><skipped' "$JUNIT_DIR/examples.xml")"
finish
