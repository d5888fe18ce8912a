// See quick_ack.h for why vouch reaches into libmilter's context for the socket.
#include "milter/quick_ack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>

#include <cstring>

namespace vouch::milter {

namespace {

// struct smfi_str { sthread_t ctx_id; socket_t ctx_sd; ... } (sthread_t = pthread_t).
constexpr std::size_t kSocketOffset = sizeof(pthread_t);

}  // namespace

bool isTcpConnectionOnPort(int fd, int listenPort) {
  if (fd < 0 || listenPort <= 0) return false;
  int value = 0;
  socklen_t len = sizeof value;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) != 0 || value != SOCK_STREAM) return false;
  len = sizeof value;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) != 0 || value != 0) return false;
  sockaddr_storage addr{};
  socklen_t alen = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) return false;
  int port = -1;
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  if (port != listenPort) return false;
  sockaddr_storage peer{};
  socklen_t plen = sizeof peer;
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0;
}

int tcpSocketOf(SMFICTX* ctx, int listenPort) {
  if (ctx == nullptr || listenPort <= 0) return -1;
  int fd = -1;
  std::memcpy(&fd, reinterpret_cast<const char*>(ctx) + kSocketOffset, sizeof fd);
  return isTcpConnectionOnPort(fd, listenPort) ? fd : -1;
}

void ackNow(int fd) {
  if (fd < 0) return;
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

}  // namespace vouch::milter
