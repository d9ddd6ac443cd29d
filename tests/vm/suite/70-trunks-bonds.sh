#!/usr/bin/env bash
# Trunks and native VLANs (issue 15), and VLAN subinterfaces (router on a stick), on the Linux backend (bridge VLAN filtering: Debian's kernel
# has it, the CI machine's has not) and the same file on OVS's kernel datapath.
# examples/trunks.yaml: one subnet; `trunk`'s port carries VLANs 10 and 20 tagged and VLAN 30
# native (untagged); h10a/h10b in VLAN 10, h20 in 20, h30 in 30.
# Oracles, independent of nswire: `bridge -j vlan show` (each entry's PVID / Egress Untagged
# flags), `ovs-vsctl --format=json` (trunks, tag, vlan_mode), and pings from `ip netns exec`
# across VLAN subinterfaces made here by hand with `ip link add ... type vlan` (8021q) on the
# trunk node: tagged frames of VLAN 10 and 20 cross, VLAN 30's untagged ones reach h30 only, and
# a tagged VLAN 10 frame never reaches h30 (the control). Drift: an entry removed by hand shows in
# `nswire status` and `nswire up` puts it back.
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/trunks.yaml

pings() { ip netns exec "$1" ping -c 2 -i 0.2 -W 1 -q "$2"; }
no_ping() { ! ip netns exec "$1" ping -c 2 -i 0.2 -W 1 -q "$2"; }
# The host end (the bridge port) of NODE's eth0: the veth peer's name.
port_of() {
  local index
  index=$(ip -n "$1" -j link show dev eth0 | jq -r '.[0].link_index')
  ip -j link show | jq -r --argjson i "$index" '.[] | select(.ifindex == $i) | .ifname'
}
# A port's VLAN entries as "VID[:pvid][:untagged]" words, sorted.
linux_entries() {
  bridge -j vlan show dev "$1" | jq -r '.[0].vlans[] |
    "\(.vlan)\(if ((.flags // []) | index("PVID")) then ":pvid" else "" end)\(if ((.flags // []) | index("Egress Untagged")) then ":untagged" else "" end)"' |
    sort -n | tr '\n' ' ' | sed 's/ $//'
}
ovs_port() { ovs-vsctl --format=json --columns=trunks,tag,vlan_mode list Port "$1" | jq -c '.data[0]'; }

modprobe 8021q 2>/dev/null
for backend in linux ovs; do
  say "backend $backend"
  check "nswire up --backend $backend" nswire up --backend "$backend" "$lab" || { nswire down "$lab"; continue; }
  tp=$(port_of trunk) ap=$(port_of h10a)
  if [[ $backend == linux ]]; then
    check "tr0 is a VLAN-filtering Linux bridge (ip -d -j link)" \
      test "$(ip -d -j link show dev tr0 | jq -r '.[0].linkinfo.info_data.vlan_filtering')" = 1
    echo "      bridge vlan show $tp: $(linux_entries "$tp"); $ap: $(linux_entries "$ap")"
    check "the trunk port: 10 and 20 tagged, 30 PVID untagged" test "$(linux_entries "$tp")" = "10 20 30:pvid:untagged"
    check "an access port: 10 PVID untagged alone" test "$(linux_entries "$ap")" = "10:pvid:untagged"
  else
    echo "      ovs-vsctl Port $tp: $(ovs_port "$tp")"
    check "the trunk port: trunks [10,20], tag 30, native-untagged" \
      test "$(ovs_port "$tp")" = '[["set",[10,20]],30,"native-untagged"]'
    check "tr0 on the kernel datapath" in_kernel_datapath "$tp"
  fi
  check "nswire test (the native VLAN reaches h30 only, the access VLANs apart)" nswire test --backend "$backend" "$lab"
  check "nswire status: in sync" nswire status --backend "$backend" "$lab"
  # Tagged frames: VLAN subinterfaces on the trunk node, by hand (8021q), in subnets of their own.
  ip -n trunk link add link eth0 name eth0.10 type vlan id 10 && ip -n trunk link set eth0.10 up &&
    ip -n trunk addr add 10.31.10.1/24 dev eth0.10
  ip -n trunk link add link eth0 name eth0.20 type vlan id 20 && ip -n trunk link set eth0.20 up &&
    ip -n trunk addr add 10.31.20.1/24 dev eth0.20
  ip -n h10a addr add 10.31.10.11/24 dev eth0
  ip -n h20 addr add 10.31.20.21/24 dev eth0
  ip -n h30 addr add 10.31.10.31/24 dev eth0  # the control: VLAN 30, in VLAN 10's subnet
  check "trunk eth0.10 -> h10a (tagged VLAN 10 crosses)" pings trunk 10.31.10.11
  check "trunk eth0.20 -> h20 (tagged VLAN 20 crosses)" pings trunk 10.31.20.21
  check "trunk eth0 -> h30 (native VLAN 30, untagged)" pings trunk 10.30.0.31
  check "trunk eth0.10 -> h30 gets no answer (h30 is in VLAN 30)" no_ping trunk 10.31.10.31
  check "trunk eth0 -> h10a untagged gets no answer" no_ping trunk 10.30.0.11
  ip -n trunk link del eth0.10; ip -n trunk link del eth0.20
  ip -n h10a addr del 10.31.10.11/24 dev eth0; ip -n h20 addr del 10.31.20.21/24 dev eth0
  ip -n h30 addr del 10.31.10.31/24 dev eth0
  check "nswire status: in sync after the hand-made parts are gone" nswire status --backend "$backend" "$lab"
  if [[ $backend == linux ]]; then
    # Drift: VLAN 20 taken off the trunk by hand; status says so, up puts it back.
    bridge vlan del dev "$tp" vid 20
    refuse "nswire status: drift after bridge vlan del vid 20" nswire status --backend "$backend" "$lab"
    check "nswire up repairs it" nswire up --backend "$backend" "$lab"
    check "the trunk port has VLAN 20 again" test "$(linux_entries "$tp")" = "10 20 30:pvid:untagged"
    check "nswire status: in sync again" nswire status --backend "$backend" "$lab"
  fi
  check "nswire down" nswire down --backend "$backend" "$lab"
  check "nothing of the lab left (netns, tr0)" bash -c '[[ -z $(ip netns list) ]] && ! ip link show dev tr0 2>/dev/null'
done

# VLAN subinterfaces made by nswire (examples/router-on-a-stick.yaml): the router's eth0.10 and
# eth0.20 on its one trunk port route between VLANs 10 and 20. Oracles: `ip -j -d link` (kind vlan,
# the id, the parent), pings through the router from `ip netns exec`; drift: a subinterface
# deleted by hand shows in `nswire status` and `nswire up` makes it again with its address.
ros=$EXAMPLES/router-on-a-stick.yaml
# NODE IF -> "KIND ID PARENT" as `ip -d -j link` tells it.
vlan_of() { ip -n "$1" -d -j link show dev "$2" | jq -r '.[0] | "\(.linkinfo.info_kind) \(.linkinfo.info_data.id) \(.link)"'; }
for backend in linux ovs; do
  say "router on a stick, backend $backend"
  check "nswire up --backend $backend (router-on-a-stick)" nswire up --backend "$backend" "$ros" || { nswire down "$ros"; continue; }
  echo "      router eth0.10: $(vlan_of router eth0.10); eth0.20: $(vlan_of router eth0.20)"
  check "router:eth0.10 is VLAN 10 on eth0 (ip -d -j link)" test "$(vlan_of router eth0.10)" = "vlan 10 eth0"
  check "router:eth0.20 is VLAN 20 on eth0 (ip -d -j link)" test "$(vlan_of router eth0.20)" = "vlan 20 eth0"
  check "h10 -> h20 routed by the router across its trunk" pings h10 10.40.20.21
  check "h10 -> h20 over IPv6" pings h10 fd40:20::21
  check "h10 -> h30 gets no answer (VLAN 30 is not on the trunk)" no_ping h10 10.40.30.31
  check "nswire test (router-on-a-stick)" nswire test --backend "$backend" "$ros"
  check "nswire status: in sync" nswire status --backend "$backend" "$ros"
  ip -n router link del eth0.20
  refuse "nswire status: drift after ip link del eth0.20" nswire status --backend "$backend" "$ros"
  check "nswire up makes it again" nswire up --backend "$backend" "$ros"
  check "router:eth0.20 is back: VLAN 20 on eth0" test "$(vlan_of router eth0.20)" = "vlan 20 eth0"
  check "with its address" bash -c "ip -n router -j addr show dev eth0.20 | jq -e '.[0].addr_info[] | select(.local == \"10.40.20.1\")' >/dev/null"
  check "h10 -> h20 again" pings h10 10.40.20.21
  # An 802.1ad device of the same name, id and parent made by hand is not the lab's 802.1Q one.
  ip -n router link del eth0.20 && ip -n router link add link eth0 name eth0.20 type vlan proto 802.1ad id 20
  check "the hand-made eth0.20 is 802.1ad (ip -d -j link)" \
    test "$(ip -n router -d -j link show dev eth0.20 | jq -r '.[0].linkinfo.info_data.protocol')" = 802.1ad
  refuse "nswire status: drift (802.1ad in place of 802.1Q)" nswire status --backend "$backend" "$ros"
  check "nswire up replaces it" nswire up --backend "$backend" "$ros"
  check "eth0.20 is 802.1Q again" \
    test "$(ip -n router -d -j link show dev eth0.20 | jq -r '.[0].linkinfo.info_data.protocol')" = 802.1Q
  check "h10 -> h20 once more" pings h10 10.40.20.21
  # The parent's MTU raised in the file: the kernel leaves a VLAN at its old MTU (it only lowers
  # it with the parent); nswire raises both, the subinterfaces having no MTU of their own.
  bigger=$(mktemp --suffix=.yaml)
  sed 's/eth0: { bridge: sw0, trunks: \[10, 20\] }/eth0: { bridge: sw0, trunks: [10, 20], mtu: 4000 }/' "$ros" >"$bigger"
  check "the copy raises the router's eth0 to MTU 4000" grep -q 'trunks: \[10, 20\], mtu: 4000' "$bigger"
  check "nswire up of the file with eth0 at MTU 4000" nswire up --backend "$backend" "$bigger"
  mtu_of() { ip -n router -j link show dev "$1" | jq -r '.[0].mtu'; }
  echo "      router MTUs: eth0 $(mtu_of eth0), eth0.10 $(mtu_of eth0.10), eth0.20 $(mtu_of eth0.20)"
  check "eth0, eth0.10 and eth0.20 at 4000 (ip -j link)" test "$(mtu_of eth0) $(mtu_of eth0.10) $(mtu_of eth0.20)" = "4000 4000 4000"
  check "nswire status of that file: in sync" nswire status --backend "$backend" "$bigger"
  check "h10 -> h20 at the larger MTU" pings h10 10.40.20.21
  rm -f "$bigger"
  # eth0.20 dropped from the file: up deletes it (its addresses go with it) and keeps eth0.10.
  fewer=$(mktemp --suffix=.yaml)
  grep -v '^      eth0.20:' "$ros" >"$fewer"
  check "nswire up of the file without eth0.20" nswire up --backend "$backend" "$fewer"
  check "eth0.20 is gone from the router" bash -c '! ip -n router link show dev eth0.20 2>/dev/null'
  check "eth0.10 stays: VLAN 10 on eth0" test "$(vlan_of router eth0.10)" = "vlan 10 eth0"
  check "h10 -> the router's eth0.10 still" pings h10 10.40.10.1
  check "nswire status of that file: in sync" nswire status --backend "$backend" "$fewer"
  rm -f "$fewer"
  check "nswire down" nswire down --backend "$backend" "$ros"
  check "nothing of the lab left (netns, sw0)" bash -c '[[ -z $(ip netns list) ]] && ! ip link show dev sw0 2>/dev/null'
done
finish
