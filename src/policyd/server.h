// Server: the policy-delegation listener (inet:PORT@HOST, inet6:PORT@HOST or
// unix:PATH). Binds at construction (so it can run before privileges are dropped), then
// serves each Postfix connection on its own thread, many requests per connection, with
// an idle timeout and a cap on concurrent connections (past it, new connections are
// closed at once and Postfix retries). Handlers are fetched per request so a reload
// takes effect on the next request. stop() is safe from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "policyd/request_reader.h"

namespace vouch::policyd {

// Turns one request into the reply's action text (without "action=").
class Handler {
 public:
  virtual ~Handler() = default;
  virtual std::string decide(const Request& request) = 0;
};

struct ServerOptions {
  std::string socket;            // inet:PORT@HOST | inet6:PORT@HOST | unix:PATH
  int idleTimeoutS = 300;
  std::size_t maxConnections = 1000;
  ReaderLimits limits;
};

class Server {
 public:
  // Binds and listens; null and an error message on failure.
  static std::unique_ptr<Server> listen(const ServerOptions& options, std::string& error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Accepts until stop(); each request goes to handlerFor() of that moment.
  void run(std::function<std::shared_ptr<Handler>()> handlerFor);
  void stop();
  // The bound port for inet sockets (useful with port 0), else 0.
  int port() const { return port_; }
  std::size_t activeConnections() const { return active_.load(); }

 private:
  Server(int fd, int port, ServerOptions options, std::string unixPath);
  void serve(int fd, const std::function<std::shared_ptr<Handler>()>& handlerFor);

  int listenFd_;
  int port_;
  int wakeFds_[2] = {-1, -1};
  ServerOptions options_;
  std::string unixPath_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
  std::mutex mu_;
  std::condition_variable drained_;
};

// Formats one reply: "action=TEXT\n\n" with CR/LF and NUL removed from TEXT.
std::string formatReply(std::string_view action);

}  // namespace vouch::policyd
