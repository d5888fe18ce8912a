// Prompt acknowledgements on a TCP milter connection. Postfix writes to its milter without
// TCP_NODELAY, and with most stages quiet (SMFIP_NR_*) it sends a message as several
// writes with no reply in between; Nagle holds each later write until the earlier one is
// acknowledged, and Linux delays that ACK by ~40 ms when there is no reply to carry it.
// That one stall per message made inet sockets ~25% slower than unix sockets
// (bench/RESULTS.md). TCP_QUICKACK set after data arrived sends the pending ACK at once.
// libmilter has no API for a connection's socket, so tcpSocketOf reads it from libmilter's
// private context: the second field of struct smfi_str, after the thread id (Debian 12's
// libmilter 8.17: smfi_progress reads it at offset 8). The value is used only once it is
// proven to be a connected TCP socket on our own listening port; otherwise -1 and nothing
// happens, so a different libmilter layout costs the optimisation, never correctness.
#pragma once

#include <libmilter/mfapi.h>

namespace vouch::milter {

// The connection's socket when it is a connected TCP socket whose local port is
// `listenPort`; -1 otherwise (unix sockets, listenPort <= 0, an unexpected layout).
int tcpSocketOf(SMFICTX* ctx, int listenPort);

// Checks a descriptor as tcpSocketOf does; exposed for tests.
bool isTcpConnectionOnPort(int fd, int listenPort);

// Sends the ACK the kernel is holding back on fd, if any; no-op for fd < 0.
void ackNow(int fd);

}  // namespace vouch::milter
