// UdpZoneServer: a tiny authoritative DNS server for tests, on 127.0.0.1 (ephemeral UDP
// port), answering from a ZoneResolver through toWire. Names in the black-hole set (or
// every name, in black-hole mode) are read and never answered, to test timeouts. One
// thread; stopped and joined by the destructor. Test code only: loopback, no network.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "dns/zone_resolver.h"

namespace vouch::dns::testing {

class UdpZoneServer {
 public:
  explicit UdpZoneServer(std::shared_ptr<ZoneResolver> zone);
  ~UdpZoneServer();
  UdpZoneServer(const UdpZoneServer&) = delete;
  UdpZoneServer& operator=(const UdpZoneServer&) = delete;

  bool ok() const { return fd_ >= 0; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1@" + std::to_string(port_); }
  void blackHole(const std::string& name);
  void blackHoleAll() { blackHoleAll_ = true; }
  std::size_t received() const { return received_; }

 private:
  void run();
  void handle(const unsigned char* data, std::size_t size, const void* peer, unsigned peerLen);

  std::shared_ptr<ZoneResolver> zone_;
  int fd_ = -1;
  int wake_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> blackHoleAll_{false};
  std::atomic<std::size_t> received_{0};
  std::mutex mutex_;
  std::set<std::string> blackHoles_;
  std::thread thread_;
};

}  // namespace vouch::dns::testing
