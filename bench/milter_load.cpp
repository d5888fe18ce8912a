// milter-load: a load generator that speaks the milter protocol (version 6) to any
// milter socket the way Postfix does (negotiation, macros, connect ... end of message),
// with N concurrent connections of M messages each, and reports messages/s, latency
// percentiles and the target process's CPU time per message and peak RSS (/proc).
// Links nothing of vouch: it measures vouch and its peers (OpenDKIM, OpenDMARC) alike.
// Trusts its own arguments only; a protocol error ends that connection and is counted.
#include <arpa/inet.h>
#include <libmilter/mfdef.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Message {
  std::vector<std::pair<std::string, std::string>> headers;  // value with leading space
  std::string body;                                           // CRLF line ends
};

struct Options {
  std::string socket;
  int connections = 8;
  int messages = 100;
  std::vector<std::string> files;
  std::vector<long> pids;  // CPU and RSS are summed over these (a chain of milters)
  std::vector<std::pair<std::string, std::string>> extraHeaders;  // sent before the file's
  std::string clientIp = "192.0.2.10";
  std::string helo = "mail.example.org";
  std::string mailFrom = "<sender@example.org>";
  std::string rcpt = "<rcpt@example.net>";
  std::string authUser;
  std::string label = "milter";
};

// Splits a message file at the first empty line; unfolds nothing (Postfix sends folded
// values with LF line breaks), turns body line ends into CRLF.
Message loadMessage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  Message m;
  std::size_t pos = 0;
  std::string name, value;
  auto flush = [&] {
    if (!name.empty()) m.headers.emplace_back(name, value);
    name.clear();
    value.clear();
  };
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      value += "\n" + line;
    } else {
      flush();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      name = line.substr(0, colon);
      value = line.substr(colon + 1);
    }
  }
  flush();
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    m.body += line + "\r\n";
    pos = eol + 1;
  }
  return m;
}

bool gNoDelay = false;  // --nodelay: TCP_NODELAY on our side (Postfix does not set it)

int openSocket(const std::string& spec) {
  if (spec.rfind("unix:", 0) == 0 || spec.rfind("local:", 0) == 0) {
    std::string path = spec.substr(spec.find(':') + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      ::close(fd);
      return -1;
    }
    return fd;
  }
  // inet:PORT@HOST (libmilter syntax) or inet6:PORT@HOST
  auto colon = spec.find(':');
  auto at = spec.find('@');
  if (colon == std::string::npos || at == std::string::npos) return -1;
  std::string port = spec.substr(colon + 1, at - colon - 1);
  std::string host = spec.substr(at + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
  int fd = ::socket(res->ai_family, SOCK_STREAM, 0);
  int one = 1;
  // Postfix sets no TCP_NODELAY on milter sockets; neither do we (unless --nodelay), so
  // delayed-ACK stalls show up here as they would in production.
  if (gNoDelay) ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

class Conn {
 public:
  explicit Conn(int fd) : fd_(fd) {}
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Buffered like Postfix's VSTREAM (4096 bytes): a macro packet and its command, or a
  // run of commands that get no reply, leave in one write; a full buffer is written as
  // it fills, and whatever is left goes out before the next read.
  bool send(char cmd, const std::string& data) {
    std::uint32_t len = htonl(static_cast<std::uint32_t>(data.size() + 1));
    out_.append(reinterpret_cast<char*>(&len), 4);
    out_ += cmd;
    out_ += data;
    std::size_t off = 0;
    for (; out_.size() - off >= kBuffer; off += kBuffer)
      if (!writeAll(std::string_view(out_).substr(off, kBuffer))) return false;
    out_.erase(0, off);
    return true;
  }
  bool flush() {
    const bool ok = out_.empty() || writeAll(out_);
    out_.clear();
    return ok;
  }
  // Reads one reply packet; false on EOF or error.
  bool recv(char& cmd, std::string& data) {
    if (!flush()) return false;
    char hdr[5];
    if (!readAll(hdr, 5)) return false;
    std::uint32_t len;
    std::memcpy(&len, hdr, 4);
    len = ntohl(len);
    if (len == 0 || len > (1u << 24)) return false;
    cmd = hdr[4];
    data.resize(len - 1);
    return len == 1 || readAll(data.data(), len - 1);
  }

 private:
  static constexpr std::size_t kBuffer = 4096;
  std::string out_;
  bool writeAll(std::string_view s) {
    std::size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::write(fd_, s.data() + off, s.size() - off);
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool readAll(char* p, std::size_t n) {
    while (n > 0) {
      ssize_t r = ::read(fd_, p, n);
      if (r <= 0) return false;
      p += r;
      n -= static_cast<std::size_t>(r);
    }
    return true;
  }
  int fd_;
};

std::string u32(std::uint32_t v) {
  v = htonl(v);
  return std::string(reinterpret_cast<char*>(&v), 4);
}

std::string macros(char stage, const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s(1, stage);
  for (auto& [k, v] : kv) {
    s += k;
    s += '\0';
    s += v;
    s += '\0';
  }
  return s;
}

struct Stats {
  std::mutex mu;
  std::vector<double> latenciesMs;
  std::map<char, long> finals;
  long errors = 0;
  std::atomic<std::uint32_t> protocol{0};  // SMFIP_* the milter agreed (last connection)
};

// One SMTP-like session of `count` messages; returns false on protocol failure.
bool runConnection(const Options& o, const std::vector<Message>& corpus, int id, Stats& stats) {
  int fd = openSocket(o.socket);
  if (fd < 0) return false;
  Conn c(fd);
  char cmd;
  std::string data;
  if (!c.send(SMFIC_OPTNEG, u32(SMFI_PROT_VERSION) + u32(SMFI_CURR_ACTS) + u32(SMFI_CURR_PROT)) ||
      !c.recv(cmd, data) || cmd != SMFIC_OPTNEG || data.size() < 12)
    return false;
  std::uint32_t prot;
  std::memcpy(&prot, data.data() + 8, 4);
  prot = ntohl(prot);
  stats.protocol = prot;
  bool leadspc = prot & SMFIP_HDR_LEADSPC;
  // Sends a command and, unless the milter negotiated "no reply" for it, waits for the
  // reply; returns the reply command ('c' when none is expected).
  auto step = [&](char command, const std::string& payload, std::uint32_t noSend,
                  std::uint32_t noReply, char& reply) {
    reply = SMFIR_CONTINUE;
    if (prot & noSend) return true;
    if (!c.send(command, payload)) return false;
    if (prot & noReply) return true;
    while (true) {
      if (!c.recv(reply, data)) return false;
      if (reply != SMFIR_PROGRESS) return true;
    }
  };
  char r;
  c.send(SMFIC_MACRO, macros(SMFIC_CONNECT, {{"j", "mx.bench.test"}, {"{daemon_name}", "smtpd"},
                                            {"{client_addr}", o.clientIp}, {"{client_name}", "client.example.org"}}));
  std::string conn = "client.example.org";
  conn += '\0';
  conn += SMFIA_INET;
  conn += std::string("\x00\x19", 2);  // port 25
  conn += o.clientIp;
  conn += '\0';
  if (!step(SMFIC_CONNECT, conn, SMFIP_NOCONNECT, SMFIP_NR_CONN, r)) return false;
  if (!step(SMFIC_HELO, o.helo + '\0', SMFIP_NOHELO, SMFIP_NR_HELO, r)) return false;
  for (int m = 0; m < o.messages; ++m) {
    const Message& msg = corpus[static_cast<std::size_t>(m + id) % corpus.size()];
    auto t0 = Clock::now();
    std::vector<std::pair<std::string, std::string>> mailMacros = {{"{mail_addr}", o.mailFrom}};
    if (!o.authUser.empty()) mailMacros.push_back({"{auth_authen}", o.authUser});
    c.send(SMFIC_MACRO, macros(SMFIC_MAIL, mailMacros));
    if (!step(SMFIC_MAIL, o.mailFrom + '\0', SMFIP_NOMAIL, SMFIP_NR_MAIL, r)) return false;
    char final = r;
    if (r == SMFIR_CONTINUE) {
      if (!step(SMFIC_RCPT, o.rcpt + '\0', SMFIP_NORCPT, SMFIP_NR_RCPT, r)) return false;
      std::string qid = "Q" + std::to_string(id) + "X" + std::to_string(m);
      // Like Postfix: no DATA macros when the milter asked not to see DATA.
      if (!(prot & SMFIP_NODATA)) c.send(SMFIC_MACRO, macros(SMFIC_DATA, {{"i", qid}}));
      if (!step(SMFIC_DATA, "", SMFIP_NODATA, SMFIP_NR_DATA, r)) return false;
      bool skipHeaders = false;
      std::vector<std::pair<std::string, std::string>> all = o.extraHeaders;
      all.insert(all.end(), msg.headers.begin(), msg.headers.end());
      for (auto& [name, value] : all) {
        if (skipHeaders) break;
        std::string v = value;
        if (!leadspc && !v.empty() && v[0] == ' ') v.erase(0, 1);
        if (!step(SMFIC_HEADER, name + '\0' + v + '\0', SMFIP_NOHDRS, SMFIP_NR_HDR, r)) return false;
        if (r != SMFIR_CONTINUE) skipHeaders = true;
      }
      if (!skipHeaders && !step(SMFIC_EOH, "", SMFIP_NOEOH, SMFIP_NR_EOH, r)) return false;
      for (std::size_t off = 0; off < msg.body.size() && r == SMFIR_CONTINUE; off += 65535) {
        if (!step(SMFIC_BODY, msg.body.substr(off, 65535), SMFIP_NOBODY, SMFIP_NR_BODY, r)) return false;
      }
      // A final answer before end of message (OpenDKIM accepts at end of headers what it
      // will not verify) ends this message for the milter: no end-of-body, as in Postfix.
      final = r;
      bool early = r != SMFIR_CONTINUE && r != SMFIR_SKIP;
      if (!early && !c.send(SMFIC_BODYEOB, "")) return false;
      // Modifications come first, then one final verdict.
      while (!early) {
        if (!c.recv(final, data)) return false;
        if (final == SMFIR_CONTINUE || final == SMFIR_ACCEPT || final == SMFIR_REJECT ||
            final == SMFIR_TEMPFAIL || final == SMFIR_DISCARD || final == SMFIR_REPLYCODE)
          break;
      }
    } else {
      c.send(SMFIC_ABORT, "");
    }
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::lock_guard lock(stats.mu);
    stats.latenciesMs.push_back(ms);
    stats.finals[final]++;
  }
  c.send(SMFIC_QUIT, "");
  return c.flush();
}

struct ProcSample {
  double cpuSeconds = 0;
  long hwmKb = 0;
};

ProcSample sampleOne(long pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream st("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(st, line);
  auto rp = line.rfind(')');
  if (rp != std::string::npos) {
    std::istringstream is(line.substr(rp + 2));
    std::string f;
    std::vector<std::string> fields;
    while (is >> f) fields.push_back(f);
    // fields[0] is state (field 3); utime is field 14, stime field 15.
    if (fields.size() > 13) {
      double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      s.cpuSeconds = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
    }
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) s.hwmKb = std::stol(line.substr(6));
  }
  return s;
}

ProcSample sample(const std::vector<long>& pids) {
  ProcSample total;
  for (long pid : pids) {
    ProcSample s = sampleOne(pid);
    total.cpuSeconds += s.cpuSeconds;
    total.hwmKb += s.hwmKb;
  }
  return total;
}

int usage() {
  std::cerr << "usage: milter-load --socket inet:PORT@HOST|unix:PATH [--connections N] [--messages M]\n"
               "         [--pid PID[,PID...]] [--header 'Name: value']... [--client-ip IP] [--helo NAME] [--mail-from <a@b>] [--rcpt <c@d>]\n"
               "         [--auth-user U] [--label NAME] [--nodelay] MESSAGE.eml...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (a == "--socket") o.socket = next();
    else if (a == "--connections") o.connections = std::stoi(next());
    else if (a == "--messages") o.messages = std::stoi(next());
    else if (a == "--pid") {
      std::stringstream list(next());
      std::string one;
      while (std::getline(list, one, ',')) if (!one.empty()) o.pids.push_back(std::stol(one));
    } else if (a == "--header") {
      std::string h = next();
      auto colon = h.find(':');
      if (colon == std::string::npos) return usage();
      o.extraHeaders.emplace_back(h.substr(0, colon), h.substr(colon + 1));
    }
    else if (a == "--client-ip") o.clientIp = next();
    else if (a == "--helo") o.helo = next();
    else if (a == "--mail-from") o.mailFrom = next();
    else if (a == "--rcpt") o.rcpt = next();
    else if (a == "--auth-user") o.authUser = next();
    else if (a == "--label") o.label = next();
    else if (a == "--nodelay") gNoDelay = true;
    else if (a.rfind("--", 0) == 0) return usage();
    else o.files.push_back(a);
  }
  if (o.socket.empty() || o.files.empty() || o.connections < 1 || o.messages < 1) return usage();
  std::vector<Message> corpus;
  for (auto& f : o.files) corpus.push_back(loadMessage(f));

  Stats stats;
  std::atomic<int> failedConns{0};
  ProcSample before = sample(o.pids);
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < o.connections; ++i) {
    threads.emplace_back([&, i] {
      if (!runConnection(o, corpus, i, stats)) failedConns++;
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  ProcSample after = sample(o.pids);

  auto& lat = stats.latenciesMs;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * static_cast<double>(lat.size())))];
  };
  double n = static_cast<double>(lat.size());
  double cpuUs = (!o.pids.empty() && n > 0) ? (after.cpuSeconds - before.cpuSeconds) * 1e6 / n : 0;
  std::string finals;
  for (auto& [k, v] : stats.finals) finals += std::string(1, k) + "=" + std::to_string(v) + " ";
  std::printf(
      "{\"label\":\"%s\",\"messages\":%zu,\"failed_connections\":%d,\"seconds\":%.3f,"
      "\"msg_per_s\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
      "\"cpu_us_per_msg\":%.1f,\"peak_rss_kb\":%ld,\"finals\":\"%s\",\"protocol\":\"0x%x\"}\n",
      o.label.c_str(), lat.size(), failedConns.load(), secs, n / secs, pct(0.50), pct(0.99),
      lat.empty() ? 0.0 : lat.back(), cpuUs, after.hwmKb, finals.c_str(), stats.protocol.load());
  return failedConns.load() == 0 && !lat.empty() ? 0 : 1;
}
