#!/usr/bin/python3
"""Mininet 2.3 contender (issue 19): a star of N hosts on one switch, built and started, timed.

    mininet_star.py linux|ovs N

Prints "up SECONDS down SECONDS". linux: Mininet's LinuxBridge (brctl); ovs: OVSBridge (standalone,
no controller) on the userspace datapath (datapath=user: this machine has no openvswitch module).
Each host gets an address (Mininet's default 10.0.0.0/8), its link up, as nswire's star does; no
default route (Mininet's hosts have none; the cost is one `ip route` per host). Run it inside
tests/harness/sandbox (NSWIRE_SANDBOX_OVS=1 for ovs); `up` is Mininet() + start(), `down` stop().
"""
import sys
import time
from functools import partial

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import OVSBridge
from mininet.nodelib import LinuxBridge
from mininet.topo import SingleSwitchTopo


def main():
    backend, n = sys.argv[1], int(sys.argv[2])
    setLogLevel("error")
    switch = LinuxBridge if backend == "linux" else partial(OVSBridge, datapath="user")
    t0 = time.monotonic()
    net = Mininet(topo=SingleSwitchTopo(k=n), switch=switch, controller=None, autoSetMacs=False)
    net.start()
    t1 = time.monotonic()
    net.stop()
    t2 = time.monotonic()
    print(f"up {t1 - t0:.3f} down {t2 - t1:.3f}")


if __name__ == "__main__":
    main()
