#!/usr/bin/env bash
# With the system's Open vSwitch stopped (systemctl stop openvswitch-switch), nswire starts its
# embedded one (/run/nswire/ovs), on the kernel datapath, runs the lab on it and stops it when the
# lab goes down. The service is started again at the end (and on any exit).
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/seed000-two-ovs-bridges-patched.yaml
db=unix:/run/nswire/ovs/db.sock
trap 'nswire down "$lab" >/dev/null 2>&1; systemctl start openvswitch-switch' EXIT

check "systemctl stop openvswitch-switch" systemctl stop openvswitch-switch
# Debian's ovsdb-server.service is only PartOf the wrapper: it may still be stopping when
# `systemctl stop openvswitch-switch` returns (seen under TCG). Wait, bounded, for both daemons.
gone() { ! pgrep -x ovsdb-server >/dev/null && ! pgrep -x ovs-vswitchd >/dev/null; }
for _ in $(seq 100); do gone && break; sleep 0.2; done
check "no Open vSwitch daemon runs (ovsdb-server: $(systemctl is-active ovsdb-server), ovs-vswitchd: $(systemctl is-active ovs-vswitchd))" gone
check "nswire up (no system Open vSwitch answers)" nswire up --backend ovs "$lab" || finish
db_pid=$(cat /run/nswire/ovs/ovsdb-server.pid 2>/dev/null)
vs_pid=$(cat /run/nswire/ovs/ovs-vswitchd.pid 2>/dev/null)
check "the embedded ovsdb-server runs (pid ${db_pid:-none})" kill -0 "${db_pid:-0}"
check "the embedded ovs-vswitchd runs (pid ${vs_pid:-none})" kill -0 "${vs_pid:-0}"
check "the system socket is not there" test ! -S /run/openvswitch/db.sock
for br in br0 br1; do
  check "$br in the embedded database, datapath_type system" \
    test "$(ovs-vsctl --db="$db" get Bridge "$br" datapath_type)" = system
done
dpif=$(ovs-appctl -t /run/nswire/ovs/ovs-vswitchd.ctl dpif/show)
echo "$dpif" | sed 's/^/      | /'
check "ovs-appctl dpif/show (embedded ovs-vswitchd): br0 and br1 on system@ovs-system" \
  bash -c 'awk "/^system@ovs-system:/ {on=1; next} /^[^ \t]/ {on=0} on && /^  [a-z0-9]+:$/ {print \$1}" <<<"$1" | sort | xargs | grep -qx "br0: br1:"' _ "$dpif"
for port in $(ovs-vsctl --db="$db" list-ports br0; ovs-vsctl --db="$db" list-ports br1); do
  [[ $(ovs-vsctl --db="$db" get Interface "$port" type) == patch ]] && continue
  check "port $port in the kernel datapath (ovs-dpctl show)" in_kernel_datapath "$port"
done
check "nswire test" nswire test --backend ovs "$lab"
check "nswire down" nswire down --backend ovs "$lab"
check "the embedded daemons are stopped" bash -c "! kill -0 ${db_pid:-0} 2>/dev/null && ! kill -0 ${vs_pid:-0} 2>/dev/null"
check "systemctl start openvswitch-switch" systemctl start openvswitch-switch
check "the system Open vSwitch answers again" ovs-vsctl --timeout=20 show
finish
