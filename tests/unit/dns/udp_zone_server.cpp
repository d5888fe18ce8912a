// UdpZoneServer (see udp_zone_server.h). Parses each query with ldns, answers with the
// zone's Answer in wire form carrying the query's id. Malformed datagrams are dropped.
#include "udp_zone_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "dns/ldns_util.h"
#include "dns/names.h"
#include "dns/wire.h"

namespace vouch::dns::testing {

UdpZoneServer::UdpZoneServer(std::shared_ptr<ZoneResolver> zone) : zone_(std::move(zone)) {
  fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || wake_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

UdpZoneServer::~UdpZoneServer() {
  stop_ = true;
  std::uint64_t one = 1;
  if (wake_ >= 0) (void)!write(wake_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
  if (wake_ >= 0) close(wake_);
}

void UdpZoneServer::blackHole(const std::string& name) {
  std::lock_guard lock(mutex_);
  blackHoles_.insert(normalizeName(name));
}

void UdpZoneServer::run() {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_, POLLIN, 0}};
  std::vector<unsigned char> buf(65536);
  while (!stop_) {
    if (poll(fds, 2, -1) <= 0) continue;
    if (!(fds[0].revents & POLLIN)) continue;
    sockaddr_in peer{};
    socklen_t peerLen = sizeof peer;
    ssize_t n =
        recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&peer), &peerLen);
    if (n <= 0) continue;
    ++received_;
    handle(buf.data(), static_cast<std::size_t>(n), &peer, peerLen);
  }
}

void UdpZoneServer::handle(const unsigned char* data, std::size_t size, const void* peer,
                           unsigned peerLen) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK) return;
  ldns::PktPtr query(raw);
  const ldns_rr_list* qs = ldns_pkt_question(query.get());
  if (qs == nullptr || ldns_rr_list_rr_count(qs) != 1) return;
  const ldns_rr* q = ldns_rr_list_rr(qs, 0);
  std::string name = ldns::nameText(ldns_rr_owner(q));
  auto type = static_cast<RrType>(ldns_rr_get_type(q));
  if (blackHoleAll_) return;
  {
    std::lock_guard lock(mutex_);
    if (blackHoles_.count(name) != 0) return;
  }
  std::vector<std::uint8_t> wire =
      toWire(name.empty() ? "." : name, type, zone_->answer(name, type));
  if (wire.size() < 2) return;
  wire[0] = data[0];  // the query's id
  wire[1] = data[1];
  (void)!sendto(fd_, wire.data(), wire.size(), 0, static_cast<const sockaddr*>(peer), peerLen);
}

}  // namespace vouch::dns::testing
