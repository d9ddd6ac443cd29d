#!/usr/bin/env bash
# Access VLANs, isolation proven, on the Linux backend (a VLAN-filtering bridge: Debian's kernel
# has CONFIG_BRIDGE_VLAN_FILTERING, the CI machine's has not) and the same file on OVS.
# examples/vlan-access.yaml: four nodes in ONE subnet, two in VLAN 10, two in VLAN 20.
# Oracles, independent of nswire: `ip -d -j link` (vlan_filtering), `bridge -j vlan show` (each
# port's PVID/untagged VLAN), `ovs-vsctl list Port` (tags), ping from `ip netns exec`, and the
# neighbour table (no ARP answer crosses a VLAN). Control: moving red20 into VLAN 10 joins it.
source "$(dirname "$0")/lib.sh"
lab=$EXAMPLES/vlan-access.yaml
copy=$(mktemp /tmp/vlan-access.XXXXXX.yaml)
trap 'rm -f "$copy"' EXIT

pings() { ip netns exec "$1" ping -c 2 -i 0.2 -W 1 -q "$2"; }
no_ping() { ! ip netns exec "$1" ping -c 2 -i 0.2 -W 1 -q "$2"; }

# Ports of bridge acc0 by VLAN: "VID PORT" lines.
linux_vlans() {
  local p
  for p in $(bridge -j link show | jq -r '.[] | select(.master == "acc0") | .ifname'); do
    bridge -j vlan show dev "$p" | jq -r --arg p "$p" \
      '.[0].vlans[] | select((.flags // []) | index("PVID") and index("Egress Untagged")) | "\(.vlan) \($p)"'
  done | sort
}
ovs_vlans() {
  local p
  for p in $(ovs-vsctl list-ports acc0); do echo "$(ovs-vsctl get Port "$p" tag) $p"; done | sort
}
count_vid() { awk -v v="$2" '$1 == v' <<<"$1" | wc -l; }

for backend in linux ovs; do
  say "backend $backend"
  check "nswire up --backend $backend" nswire up --backend "$backend" "$lab" || { nswire down "$lab"; continue; }
  if [[ $backend == linux ]]; then
    check "acc0 is a VLAN-filtering Linux bridge (ip -d -j link)" \
      test "$(ip -d -j link show dev acc0 | jq -r '.[0].linkinfo.info_data.vlan_filtering')" = 1
    vlans=$(linux_vlans)
    echo "      bridge vlan show (PVID, untagged): $(tr '\n' ';' <<<"$vlans")"
  else
    check "acc0 is an OVS bridge on the kernel datapath" \
      test "$(ovs-vsctl get Bridge acc0 datapath_type)" = system
    vlans=$(ovs_vlans)
    echo "      ovs-vsctl Port tags: $(tr '\n' ';' <<<"$vlans")"
  fi
  check "two ports in VLAN 10" test "$(count_vid "$vlans" 10)" = 2
  check "two ports in VLAN 20" test "$(count_vid "$vlans" 20)" = 2
  check "nswire test (reachable inside each VLAN, unreachable across)" nswire test --backend "$backend" "$lab"
  check "red10 -> blue10 (VLAN 10) answers" pings red10 10.20.0.12
  check "red20 -> blue20 (VLAN 20) answers" pings red20 10.20.0.22
  check "red10 -> red20 (10 -> 20) gets no answer" no_ping red10 10.20.0.21
  check "blue20 -> blue10 (20 -> 10) gets no answer" no_ping blue20 10.20.0.12
  check "red10 never learnt red20's MAC (no ARP reply crossed)" \
    bash -c "! ip -n red10 -j neigh show 10.20.0.21 | jq -e '.[] | select(.lladdr)' >/dev/null"
  # Control: the isolation is the VLANs' doing. red20 moved into VLAN 10 reaches red10.
  sed 's/^\(  red20: .*\)vlan: 20/\1vlan: 10/' "$lab" >"$copy"
  check "reconciled: red20 moved into VLAN 10" nswire up --backend "$backend" "$copy"
  check "red10 -> red20 now answers (same VLAN)" pings red10 10.20.0.21
  check "red20 -> blue20 now gets no answer" no_ping red20 10.20.0.22
  check "nswire down" nswire down "$copy"
  check "nothing of the lab left (netns, acc0)" bash -c '[[ -z $(ip netns list) ]] && ! ip link show dev acc0 2>/dev/null'
done
finish
