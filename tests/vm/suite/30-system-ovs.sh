#!/usr/bin/env bash
# nswire on the system's own Open vSwitch (Debian's openvswitch-switch, started by systemd):
# it talks to it through the system socket (no embedded daemons under /run/nswire/ovs), its
# two-bridge lab runs on the kernel datapath beside a bridge the system made itself (sysbr0,
# made with ovs-vsctl before the lab), and that bridge and the rest of the system's
# configuration are the same afterwards (ovs-vsctl --format=json dumps compared).
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/seed000-two-ovs-bridges-patched.yaml
trap 'nswire down "$lab" >/dev/null 2>&1; ovs-vsctl --if-exists del-br sysbr0' EXIT

check "openvswitch-switch is active (systemd)" systemctl is-active openvswitch-switch
sysdb_pid=$(cat /run/openvswitch/ovsdb-server.pid)
sysvs_pid=$(cat /run/openvswitch/ovs-vswitchd.pid)
echo "      system ovsdb-server pid $sysdb_pid, ovs-vswitchd pid $sysvs_pid"

# The system's own configuration: a bridge with an internal port and settings an admin made.
ovs-vsctl add-br sysbr0 -- set Bridge sysbr0 other_config:hwaddr=02:00:00:00:5b:01 external_ids:owner=admin \
  -- add-port sysbr0 sysp0 -- set Interface sysp0 type=internal external_ids:role=uplink
ovs-vsctl set Open_vSwitch . external_ids:system-id=nswire-vm-check
# Configuration columns (not the counters ovs-vswitchd keeps updating: statistics, cur_cfg, ...).
dump() {
  ovs-vsctl --format=json --columns=_uuid,bridges,external_ids,other_config,manager_options,ssl,ovs_version,db_version list Open_vSwitch
  ovs-vsctl --format=json --columns=_uuid,name,ports,datapath_type,datapath_id,fail_mode,other_config,external_ids,protocols,controller,stp_enable,mirrors list Bridge sysbr0
  ovs-vsctl --format=json --columns=_uuid,name,interfaces,tag,trunks,vlan_mode,other_config,external_ids list Port sysbr0 sysp0
  ovs-vsctl --format=json --columns=_uuid,name,type,options,other_config,external_ids,mtu_request,ofport,admin_state list Interface sysbr0 sysp0
}
sysbr_dump() { dump | tail -n 3; }   # sysbr0's own rows (the Open_vSwitch row lists the lab's bridges while it is up)
ovs-vsctl --timeout=10 wait-until Interface sysp0 'ofport!=-1' >/dev/null 2>&1
before=$(dump)

check "nswire up (two OVS bridges, datapath auto)" nswire up --backend ovs "$lab" || finish
check "no embedded Open vSwitch (/run/nswire/ovs holds no daemon)" \
  bash -c '! ls /run/nswire/ovs/*.pid 2>/dev/null | grep -q .'
check "one ovsdb-server, the system's (pid $sysdb_pid)" test "$(pgrep -x ovsdb-server | xargs)" = "$sysdb_pid"
check "one ovs-vswitchd, the system's (pid $sysvs_pid)" test "$(pgrep -x ovs-vswitchd | xargs)" = "$sysvs_pid"
for br in br0 br1; do
  check "$br is in the system's database, marked as the lab's" \
    test "$(ovs-vsctl get Bridge "$br" external_ids:nswire-lab | tr -d '"')" = seed000-patched
  check "$br: datapath_type system" test "$(ovs-vsctl get Bridge "$br" datapath_type)" = system
done
dpif=$(ovs-appctl dpif/show)
echo "$dpif" | sed 's/^/      | /'
check "ovs-appctl dpif/show: br0, br1 and sysbr0 on system@ovs-system" \
  bash -c 'awk "/^system@ovs-system:/ {on=1; next} /^[^ \t]/ {on=0} on && /^  [a-z0-9]+:$/ {print \$1}" <<<"$1" | sort | xargs | grep -qx "br0: br1: sysbr0:"' _ "$dpif"
for port in $(ovs-vsctl list-ports br0; ovs-vsctl list-ports br1) sysp0; do
  [[ $(ovs-vsctl get Interface "$port" type) == patch ]] && continue
  check "port $port in the kernel datapath (ovs-dpctl show)" in_kernel_datapath "$port"
done
check "nswire test" nswire test --backend ovs "$lab"
check "nswire status: in sync" nswire status --backend ovs "$lab"
check "sysbr0 untouched while the lab is up" test "$(sysbr_dump)" = "$(tail -n 3 <<<"$before")"
check "nswire down" nswire down --backend ovs "$lab"
check "the lab's bridges are gone" bash -c '! ovs-vsctl br-exists br0 && ! ovs-vsctl br-exists br1'
after=$(dump)
if [[ $after == "$before" ]]; then
  echo "ok    the system's configuration is as it was (Open_vSwitch, sysbr0, its ports and interfaces)"
else
  bad "the system's configuration changed:"
  diff <(jq . <<<"$before" 2>/dev/null || echo "$before") <(jq . <<<"$after" 2>/dev/null || echo "$after") | head -n 40
fi
check "sysp0 still in the kernel datapath" in_kernel_datapath sysp0
check "the system's daemons still run (same pids)" \
  test "$(cat /run/openvswitch/ovsdb-server.pid) $(cat /run/openvswitch/ovs-vswitchd.pid)" = "$sysdb_pid $sysvs_pid"
ovs-vsctl del-br sysbr0
ovs-vsctl remove Open_vSwitch . external_ids system-id
finish
