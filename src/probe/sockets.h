// Opening the sockets probes use. These run while the thread is inside the probe's namespace
// (netns::run_in), since a socket belongs to the namespace it is created in; everything after
// creation (connect, send, receive) happens on the event loop's thread. All sockets are
// non-blocking and close-on-exec. Failures throw nswire::Error with the operation and errno text.
#pragma once

#include "address.h"
#include "fd.h"
#include "nswire/probe/probe.h"

namespace nswire::probe {

// A raw ICMP (AF_INET) or ICMPv6 (AF_INET6) socket that only receives echo replies and errors
// (ICMP_FILTER / ICMP6_FILTER): a raw socket sees every ICMP message entering its namespace,
// including echo requests others send to it, and those are noise here.
Fd open_icmp_socket(int family);

// A TCP or UDP socket for probing, with IP(V6)_RECVERR so that an ICMP error about it is queued
// with its type, code and reporter (a SYN answered by "administratively prohibited" otherwise
// only shows as EHOSTUNREACH).
Fd open_client_socket(Protocol protocol, int family);

// nswire's own listener: a TCP socket listening on `address` or a UDP socket bound to it.
Fd open_listener_socket(Protocol protocol, const SocketAddress& address);

}  // namespace nswire::probe
