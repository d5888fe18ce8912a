// The policy server over a real loopback socket with a recording handler: replies in
// order on one connection, safe answers to malformed input, concurrent connections,
// idle timeout, and the connection cap. Binds port 0 on 127.0.0.1 only.
#include "policyd/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace vouch::policyd {
namespace {

class EchoHandler : public Handler {
 public:
  std::string decide(const Request& r) override {
    calls++;
    if (r.get("sender").empty()) return "DUNNO";
    return "PREPEND X-Sender: " + r.get("sender");
  }
  std::atomic<int> calls{0};
};

int connectTo(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads replies until `count` complete ones ("...\n\n") arrived or the peer closed.
std::vector<std::string> readReplies(int fd, std::size_t count) {
  std::string buf;
  std::vector<std::string> out;
  char tmp[512];
  while (out.size() < count) {
    auto end = buf.find("\n\n");
    if (end != std::string::npos) {
      out.push_back(buf.substr(0, end));
      buf.erase(0, end + 2);
      continue;
    }
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) break;
    buf.append(tmp, static_cast<std::size_t>(n));
  }
  return out;
}

struct Running {
  explicit Running(ServerOptions o) {
    std::string err;
    server = Server::listen(o, err);
    EXPECT_NE(server, nullptr) << err;
    thread = std::thread([this] { server->run([this] { return handler; }); });
  }
  ~Running() {
    server->stop();
    thread.join();
  }
  std::shared_ptr<EchoHandler> handler = std::make_shared<EchoHandler>();
  std::unique_ptr<Server> server;
  std::thread thread;
};

ServerOptions loopback() {
  ServerOptions o;
  o.socket = "inet:0@127.0.0.1";
  o.idleTimeoutS = 2;
  o.limits = {1024, 20, 256};
  return o;
}

TEST(PolicyServer, ManyRequestsOnOneConnectionAnsweredInOrder) {
  Running s(loopback());
  int fd = connectTo(s.server->port());
  ASSERT_GE(fd, 0);
  std::string req;
  for (int i = 0; i < 5; ++i) req += "request=smtpd_access_policy\nsender=s" + std::to_string(i) + "@x\n\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  auto replies = readReplies(fd, 5);
  ASSERT_EQ(replies.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(replies[static_cast<std::size_t>(i)], "action=PREPEND X-Sender: s" + std::to_string(i) + "@x");
  }
  ::close(fd);
}

TEST(PolicyServer, MalformedAndOversizedGetSafeDeferAndTheConnectionGoesOn) {
  Running s(loopback());
  int fd = connectTo(s.server->port());
  ASSERT_GE(fd, 0);
  std::string req = "this is not a policy request\n\n" + std::string("sender=") +
                    std::string(5000, 'a') + "\n\nsender=ok@x\n\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  auto replies = readReplies(fd, 3);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0], "action=DEFER_IF_PERMIT 4.3.0 malformed policy request (malformed attribute line)");
  EXPECT_EQ(replies[1], "action=DEFER_IF_PERMIT 4.3.0 malformed policy request (line too long)");
  EXPECT_EQ(replies[2], "action=PREPEND X-Sender: ok@x");
  EXPECT_EQ(s.handler->calls.load(), 1);
  ::close(fd);
}

TEST(PolicyServer, ConcurrentConnectionsAreServed) {
  Running s(loopback());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int c = 0; c < 32; ++c) {
    clients.emplace_back([&, c] {
      int fd = connectTo(s.server->port());
      if (fd < 0) return;
      std::string req = "sender=c" + std::to_string(c) + "@x\n\n";
      for (int i = 0; i < 10; ++i) {
        if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) break;
        auto r = readReplies(fd, 1);
        if (r.size() == 1 && r[0] == "action=PREPEND X-Sender: c" + std::to_string(c) + "@x") ok++;
      }
      ::close(fd);
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 320);
}

TEST(PolicyServer, IdleConnectionIsClosed) {
  auto o = loopback();
  o.idleTimeoutS = 1;
  Running s(o);
  int fd = connectTo(s.server->port());
  ASSERT_GE(fd, 0);
  char b;
  // The server closes an idle connection: recv sees EOF (0), not our 5 s timeout (-1).
  EXPECT_EQ(::recv(fd, &b, 1, 0), 0);
  ::close(fd);
}

TEST(PolicyServer, ReplyFormattingStripsLineBreaks) {
  EXPECT_EQ(formatReply("REJECT bad\r\nX: y"), "action=REJECT badX: y\n\n");
  EXPECT_EQ(formatReply("DUNNO"), "action=DUNNO\n\n");
}

TEST(PolicyServer, BadSocketSpecsAreErrors) {
  for (const char* spec : {"inet:8899", "tcp:1@127.0.0.1", "inet:x@127.0.0.1", "unix:"}) {
    ServerOptions o;
    o.socket = spec;
    std::string err;
    EXPECT_EQ(Server::listen(o, err), nullptr) << spec;
    EXPECT_FALSE(err.empty()) << spec;
  }
}

}  // namespace
}  // namespace vouch::policyd
