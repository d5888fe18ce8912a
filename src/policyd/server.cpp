// Server: see server.h. poll(2)-based accept loop with a self-pipe for stop(); one
// detached thread per connection, counted so the destructor can wait for them.
#include "policyd/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace vouch::policyd {

namespace {

int bindInet(const std::string& spec, std::string& error, int& boundPort) {
  // inet:PORT@HOST or inet6:PORT@HOST, as libmilter spells it; HOST is required so
  // nothing ever listens on every interface by accident.
  auto colon = spec.find(':');
  auto at = spec.find('@');
  if (at == std::string::npos || at < colon) {
    error = "policy socket '" + spec + "': expected inet:PORT@HOST";
    return -1;
  }
  std::string port = spec.substr(colon + 1, at - colon - 1);
  std::string host = spec.substr(at + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_family = spec.rfind("inet6:", 0) == 0 ? AF_INET6 : AF_INET;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    error = "policy socket '" + spec + "': " + gai_strerror(rc);
    return -1;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || ::bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
    error = "policy socket '" + spec + "': bind: " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    freeaddrinfo(res);
    return -1;
  }
  freeaddrinfo(res);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  boundPort = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return fd;
}

int bindUnix(const std::string& path, std::string& error) {
  sockaddr_un sa{};
  if (path.empty() || path.size() >= sizeof sa.sun_path) {
    error = "policy socket path '" + path + "' is empty or too long";
    return -1;
  }
  struct stat st{};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      error = "policy socket path '" + path + "' exists and is not a socket";
      return -1;
    }
    ::unlink(path.c_str());
  }
  sa.sun_family = AF_UNIX;
  std::memcpy(sa.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    error = "policy socket '" + path + "': bind: " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

bool writeAll(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

std::string formatReply(std::string_view action) {
  std::string out = "action=";
  for (char c : action) {
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  }
  out += "\n\n";
  return out;
}

std::unique_ptr<Server> Server::listen(const ServerOptions& options, std::string& error) {
  int port = 0;
  int fd = -1;
  std::string unixPath;
  if (options.socket.rfind("inet:", 0) == 0 || options.socket.rfind("inet6:", 0) == 0) {
    fd = bindInet(options.socket, error, port);
  } else if (options.socket.rfind("unix:", 0) == 0 || options.socket.rfind("local:", 0) == 0) {
    unixPath = options.socket.substr(options.socket.find(':') + 1);
    fd = bindUnix(unixPath, error);
  } else {
    error = "policy socket '" + options.socket + "': expected inet:PORT@HOST or unix:PATH";
  }
  if (fd < 0) return nullptr;
  if (::listen(fd, 128) != 0) {
    error = std::string("policy socket: listen: ") + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<Server>(new Server(fd, port, options, unixPath));
}

Server::Server(int fd, int port, ServerOptions options, std::string unixPath)
    : listenFd_(fd), port_(port), options_(std::move(options)), unixPath_(std::move(unixPath)) {
  if (::pipe2(wakeFds_, O_CLOEXEC | O_NONBLOCK) != 0) wakeFds_[0] = wakeFds_[1] = -1;
}

Server::~Server() {
  stop();
  // Connection threads hold no reference to *this beyond the counters; wait for them.
  std::unique_lock lock(mu_);
  drained_.wait_for(lock, std::chrono::seconds(options_.idleTimeoutS + 5),
                    [&] { return active_.load() == 0; });
  lock.unlock();
  ::close(listenFd_);
  if (wakeFds_[0] >= 0) ::close(wakeFds_[0]);
  if (wakeFds_[1] >= 0) ::close(wakeFds_[1]);
  if (!unixPath_.empty()) ::unlink(unixPath_.c_str());
}

void Server::stop() {
  stopping_ = true;
  if (wakeFds_[1] >= 0) {
    char b = 1;
    [[maybe_unused]] auto n = ::write(wakeFds_[1], &b, 1);
  }
}

void Server::run(std::function<std::shared_ptr<Handler>()> handlerFor) {
  while (!stopping_) {
    pollfd fds[2] = {{listenFd_, POLLIN, 0}, {wakeFds_[0], POLLIN, 0}};
    int n = ::poll(fds, wakeFds_[0] >= 0 ? 2 : 1, 1000);
    if (n <= 0 || !(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    if (active_.load() >= options_.maxConnections) {
      ::close(fd);  // over the cap: Postfix logs it and retries the policy server
      continue;
    }
    active_++;
    std::thread([this, fd, handlerFor] {
      serve(fd, handlerFor);
      ::close(fd);
      std::lock_guard lock(mu_);
      active_--;
      drained_.notify_all();
    }).detach();
  }
}

void Server::serve(int fd, const std::function<std::shared_ptr<Handler>()>& handlerFor) {
  RequestReader reader(options_.limits);
  char buf[4096];
  while (!stopping_) {
    // The wake pipe stays readable once stop() wrote to it, so every connection sees it.
    pollfd p[2] = {{fd, POLLIN, 0}, {wakeFds_[0], POLLIN, 0}};
    int n = ::poll(p, wakeFds_[0] >= 0 ? 2 : 1, options_.idleTimeoutS * 1000);
    if (n == 0) return;  // idle: Postfix reconnects when it needs us again
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
    if (r <= 0) return;
    reader.feed(std::string_view(buf, static_cast<std::size_t>(r)));
    while (auto req = reader.next()) {
      std::string action;
      if (!req->error.empty()) {
        action = "DEFER_IF_PERMIT 4.3.0 malformed policy request (" + req->error + ")";
      } else {
        auto handler = handlerFor();
        action = handler ? handler->decide(*req) : "DEFER_IF_PERMIT 4.3.0 policy service not ready";
      }
      if (!writeAll(fd, formatReply(action))) return;
    }
  }
}

}  // namespace vouch::policyd
