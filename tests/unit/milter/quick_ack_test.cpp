// quick_ack (src/milter/quick_ack.h): the socket found through libmilter's context must be
// a connected TCP socket on our listening port, or nothing; ackNow leaves the socket in
// quick-ACK mode. Real loopback sockets, no libmilter: the context is a stand-in laid out
// like struct smfi_str's first two fields.
#include "milter/quick_ack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

namespace vouch::milter {
namespace {

struct FakeContext {
  alignas(8) unsigned char bytes[64] = {};
  explicit FakeContext(int fd) { std::memcpy(bytes + sizeof(pthread_t), &fd, sizeof fd); }
  SMFICTX* get() { return reinterpret_cast<SMFICTX*>(bytes); }
};

class LoopbackPair : public ::testing::Test {
 protected:
  void SetUp() override {
    listener = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(listen(listener, 4), 0);
    socklen_t len = sizeof a;
    ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port = ntohs(a.sin_port);
    client = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    server = accept(listener, nullptr, nullptr);
    ASSERT_GE(server, 0);
  }
  void TearDown() override {
    for (int fd : {server, client, listener})
      if (fd >= 0) close(fd);
  }
  int listener = -1, client = -1, server = -1, port = 0;
};

TEST_F(LoopbackPair, FindsTheAcceptedSocketOnOurPort) {
  FakeContext ctx(server);
  EXPECT_EQ(tcpSocketOf(ctx.get(), port), server);
}

TEST_F(LoopbackPair, RefusesAnythingElse) {
  EXPECT_EQ(tcpSocketOf(FakeContext(server).get(), port + 1), -1);  // another port
  EXPECT_EQ(tcpSocketOf(FakeContext(listener).get(), port), -1);    // the listener itself
  EXPECT_EQ(tcpSocketOf(FakeContext(client).get(), port), -1);      // the MTA's end: other port
  EXPECT_EQ(tcpSocketOf(FakeContext(-1).get(), port), -1);
  EXPECT_EQ(tcpSocketOf(FakeContext(server).get(), 0), -1);         // unix socket: no port
  EXPECT_EQ(tcpSocketOf(nullptr, port), -1);
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
  EXPECT_FALSE(isTcpConnectionOnPort(pair[0], port));
  close(pair[0]);
  close(pair[1]);
  EXPECT_FALSE(isTcpConnectionOnPort(1000000, port));  // not a descriptor at all
}

TEST_F(LoopbackPair, AckNowLeavesQuickAckOn) {
  ASSERT_EQ(write(client, "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(server, &c, 1), 1);
  ackNow(server);
  int value = 0;
  socklen_t len = sizeof value;
  ASSERT_EQ(getsockopt(server, IPPROTO_TCP, TCP_QUICKACK, &value, &len), 0);
  EXPECT_EQ(value, 1);
  ackNow(-1);  // no-op
}

}  // namespace
}  // namespace vouch::milter
