# Shared helpers for the bench scripts (sourced). Everything runs inside tests/harness/sandbox.
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# ratio A B -> "A/B" as "12.3x"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.1fx", a / b; else print "-" }'; }

# The links and namespaces present when the benchmark started (lo; with OVS, the netdev
# datapath's own ovs-netdev device once ovs-vswitchd made it).
baseline_links() { ip -o link | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -vx 'ovs-netdev' | sort; }
BENCH_BASELINE=""
bench_baseline() { BENCH_BASELINE=$(baseline_links); }
is_clean() { [[ -z $(ip netns list) && $(baseline_links) == "$BENCH_BASELINE" && -z $(ls -A /etc/netns 2>/dev/null) ]]; }
# Waits (polling every 10 ms, up to 30 s) until nothing the benchmark made is left: a deleted
# namespace's veths go away asynchronously in the kernel, so "down" is timed until they are gone.
wait_clean() {
  local i
  for ((i = 0; i < 3000; i++)); do is_clean && return 0; sleep 0.01; done
  echo "bench: left over after cleanup:" >&2; ip netns list >&2; ip -o link >&2
  if command -v ovs-vsctl >/dev/null && [[ -S /var/run/openvswitch/db.sock ]]; then ovs-vsctl show >&2; fi
  exit 1
}
# Nothing left in OVSDB either.
ovs_clean() {
  [[ -S /var/run/openvswitch/db.sock ]] || return 0
  [[ -z $(ovs-vsctl list-br) ]] || { echo "bench: OVS bridges left over: $(ovs-vsctl list-br)" >&2; exit 1; }
}

# The star both scale benchmarks build: node i (1..N) at addr i on br0 (10.128.0.1/16), a default
# route through the bridge. star_lab NAME N BACKEND FILE -> prints FILE.
addr() { echo "10.128.$(($1 / 250)).$(($1 % 250 + 2))"; }
star_lab() {
  local name=$1 n=$2 backend=$3 f=$4 i
  {
    echo "name: $name"
    echo "backend: $backend"
    echo "bridges:"
    echo "  br0: { addresses: [10.128.0.1/16] }"
    echo "nodes:"
    for ((i = 1; i <= n; i++)); do
      echo "  n$i:"
      echo "    interfaces: { eth0: { bridge: br0, addresses: [$(addr $i)/16] } }"
      echo "    routes: [{ to: default, via: 10.128.0.1 }]"
    done
  } >"$f"
  echo "$f"
}
