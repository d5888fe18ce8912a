// libmilter callbacks (callbacks.h): thin shims from C to ConnectionHandler. Each runs on
// a libmilter worker thread; the per-connection slot hangs off smfi_setpriv and is only
// touched by the thread running that connection's current callback. Input from the MTA
// is untrusted and passed on as is. No exception crosses back into libmilter: guarded()
// turns one into milter.internal_error_action, logged with the queue id.
#include "milter/callbacks.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "milter/connection_handler.h"
#include "milter/quick_ack.h"
#include "milter/smfi_glue.h"

namespace vouch::milter {

namespace {

std::atomic<CallbackHost*> gHost{nullptr};  // see makeMilterDescription

struct ConnectionSlot {
  unsigned long protocol = 0;  // SMFIP_* agreed in negotiate (0 when not negotiated)
  int tcpSocket = -1;          // for ackNow (quick_ack.h); -1 on unix sockets
  std::unique_ptr<ConnectionHandler> handler;
};

ConnectionSlot* slotOf(SMFICTX* ctx) { return static_cast<ConnectionSlot*>(smfi_getpriv(ctx)); }

// At every quiet stage: the MTA may be holding its next write until this data is acked.
void ackPending(SMFICTX* ctx) {
  if (const ConnectionSlot* slot = slotOf(ctx)) ackNow(slot->tcpSocket);
}

// The SMFIP_NR_* bit of a stage; 0 for stages that always reply (end of message).
unsigned long noReplyBit(std::string_view stage) {
  if (stage == "connect") return SMFIP_NR_CONN;
  if (stage == "helo") return SMFIP_NR_HELO;
  if (stage == "mail") return SMFIP_NR_MAIL;
  if (stage == "rcpt") return SMFIP_NR_RCPT;
  if (stage == "header") return SMFIP_NR_HDR;
  if (stage == "eoh") return SMFIP_NR_EOH;
  if (stage == "body") return SMFIP_NR_BODY;
  return 0;
}

// libmilter sends whatever a callback returns unless it is SMFIS_NOREPLY, and the MTA,
// which was told not to wait, would read that reply as the answer to a later command.
sfsistat quietIfAgreed(SMFICTX* ctx, std::string_view stage, sfsistat r) {
  const ConnectionSlot* slot = slotOf(ctx);
  const unsigned long bit = noReplyBit(stage);
  return slot != nullptr && bit != 0 && (slot->protocol & bit) != 0 ? SMFIS_NOREPLY : r;
}

QuietStages quietStagesOf(unsigned long protocol) {
  QuietStages q;
  q.connect = (protocol & SMFIP_NR_CONN) != 0;
  q.helo = (protocol & SMFIP_NR_HELO) != 0;
  q.mail = (protocol & SMFIP_NR_MAIL) != 0;
  q.rcpt = (protocol & SMFIP_NR_RCPT) != 0;
  q.eoh = (protocol & SMFIP_NR_EOH) != 0;
  return q;
}

CallbackHost& host() {
  CallbackHost* h = gHost.load(std::memory_order_acquire);
  if (h == nullptr) throw std::logic_error("milter callbacks used before registration");
  return *h;
}

sfsistat fail(SMFICTX* ctx, ConnectionHandler* h, const char* stage, const char* what) noexcept {
  try {
    ReplyPlan plan;
    if (h != nullptr) {
      plan = h->internalError(stage, what);
    } else {
      auto snap = host().currentSnapshot();
      plan = planReply(internalErrorVerdict(snap->config().internal_error_action), false);
      host().log().event(LogLevel::Error, std::string("internal error at ") + stage + ": " + what);
    }
    if (std::string_view(stage) == "header") return quietIfAgreed(ctx, stage, SMFIS_CONTINUE);
    if (quietIfAgreed(ctx, stage, SMFIS_CONTINUE) == SMFIS_NOREPLY) return SMFIS_NOREPLY;
    SmfiEditor editor(ctx);
    if (!plan.reply.empty()) editor.setReply(plan.reply);
    return toSfsistat(plan.disposition);
  } catch (...) {
    // Even logging failed: fail safe, as milter_default_action would (or say nothing
    // where the MTA waits for no reply, and fail at end of message).
    return quietIfAgreed(ctx, stage, SMFIS_TEMPFAIL);
  }
}

// Runs fn(handler) and converts any exception into the internal-error action.
template <typename Fn>
sfsistat guarded(SMFICTX* ctx, const char* stage, Fn&& fn) noexcept {
  ConnectionSlot* slot = slotOf(ctx);
  ConnectionHandler* h = slot != nullptr ? slot->handler.get() : nullptr;
  try {
    if (h == nullptr) throw std::logic_error("no connection state");
    return fn(*h);
  } catch (const std::exception& e) {
    return fail(ctx, h, stage, e.what());
  } catch (...) {
    return fail(ctx, h, stage, "unknown exception");
  }
}

sfsistat answer(SMFICTX* ctx, std::string_view stage, const ReplyPlan& plan) {
  if (quietIfAgreed(ctx, stage, SMFIS_CONTINUE) == SMFIS_NOREPLY) return SMFIS_NOREPLY;
  if (!plan.reply.empty() &&
      (plan.disposition == Disposition::Reject || plan.disposition == Disposition::TempFail))
    SmfiEditor(ctx).setReply(plan.reply);
  return toSfsistat(plan.disposition);
}

std::string addressText(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa == nullptr) return {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

sfsistat onNegotiate(SMFICTX* ctx, unsigned long f0, unsigned long f1, unsigned long,
                     unsigned long, unsigned long* pf0, unsigned long* pf1, unsigned long* pf2,
                     unsigned long* pf3) {
  *pf0 = wantedActions(f0);
  *pf1 = wantedProtocol(f1, host().currentSnapshot()->refusesBeforeData());
  *pf2 = *pf3 = 0;
  if ((*pf0 & SMFIF_SETSYMLIST) != 0) {
    smfi_setsymlist(ctx, SMFIM_CONNECT,
                    const_cast<char*>("j {daemon_name} {daemon_addr} {client_addr} {client_name}"));
    smfi_setsymlist(ctx, SMFIM_ENVFROM, const_cast<char*>("{auth_authen}"));
    smfi_setsymlist(ctx, SMFIM_EOH, const_cast<char*>("i"));
    smfi_setsymlist(ctx, SMFIM_EOM, const_cast<char*>("i"));
  }
  try {
    ConnectionSlot* slot = slotOf(ctx);
    if (slot == nullptr) smfi_setpriv(ctx, slot = new ConnectionSlot);
    slot->protocol = *pf1;
    slot->tcpSocket = tcpSocketOf(ctx, host().tcpListenPort());
    if (slot->tcpSocket < 0 && host().tcpListenPort() > 0) host().quickAckUnavailable();
  } catch (...) {
    return SMFIS_TEMPFAIL;
  }
  return SMFIS_CONTINUE;
}

sfsistat onConnect(SMFICTX* ctx, char* hostname, _SOCK_ADDR* hostaddr) {
  ackPending(ctx);
  try {
    ConnectionSlot* slot = slotOf(ctx);
    if (slot == nullptr) smfi_setpriv(ctx, slot = new ConnectionSlot);
    // A fresh handler each time: Postfix repeats connect after XCLIENT.
    slot->handler = std::make_unique<ConnectionHandler>(host().currentSnapshot(), host().flights(),
                                                        host().log());
    slot->handler->setLeadingSpace((slot->protocol & SMFIP_HDR_LEADSPC) != 0);
    slot->handler->setSkipAllowed((slot->protocol & SMFIP_SKIP) != 0);
    slot->handler->setQuietStages(quietStagesOf(slot->protocol));
  } catch (const std::exception& e) {
    return fail(ctx, nullptr, "connect", e.what());
  }
  return guarded(ctx, "connect", [&](ConnectionHandler& h) {
    SmfiMacros macros(ctx);
    std::string ip = addressText(hostaddr);
    if (ip.empty()) ip = macros.get("{client_addr}").value_or("");
    return answer(ctx, "connect", h.connect(ip, hostname ? hostname : "", macros));
  });
}

sfsistat onHelo(SMFICTX* ctx, char* name) {
  ackPending(ctx);
  return guarded(ctx, "helo", [&](ConnectionHandler& h) { return answer(ctx, "helo", h.helo(name ? name : "")); });
}

sfsistat onEnvFrom(SMFICTX* ctx, char** argv) {
  ackPending(ctx);
  return guarded(ctx, "mail", [&](ConnectionHandler& h) {
    return answer(ctx, "mail", h.mailFrom(argv && argv[0] ? argv[0] : "", SmfiMacros(ctx)));
  });
}

sfsistat onEnvRcpt(SMFICTX* ctx, char** argv) {
  ackPending(ctx);
  return guarded(ctx, "rcpt", [&](ConnectionHandler& h) {
    return answer(ctx, "rcpt", h.rcpt(argv && argv[0] ? argv[0] : ""));
  });
}

sfsistat onHeader(SMFICTX* ctx, char* name, char* value) {
  ackPending(ctx);
  const sfsistat r = guarded(ctx, "header", [&](ConnectionHandler& h) {
    h.header(name ? name : "", value ? value : "");
    return SMFIS_CONTINUE;
  });
  return quietIfAgreed(ctx, "header", r);
}

sfsistat onEndOfHeaders(SMFICTX* ctx) {
  ackPending(ctx);
  return guarded(ctx, "eoh", [&](ConnectionHandler& h) { return answer(ctx, "eoh", h.endOfHeaders(SmfiMacros(ctx))); });
}

sfsistat onBody(SMFICTX* ctx, unsigned char* data, size_t len) {
  ackPending(ctx);
  return guarded(ctx, "body", [&](ConnectionHandler& h) {
    const bool skip = h.body({reinterpret_cast<const char*>(data), data ? len : 0});
    return quietIfAgreed(ctx, "body", skip ? SMFIS_SKIP : SMFIS_CONTINUE);
  });
}

sfsistat onEndOfMessage(SMFICTX* ctx) {
  return guarded(ctx, "eom", [&](ConnectionHandler& h) {
    SmfiEditor editor(ctx);
    return toSfsistat(h.endOfMessage(SmfiMacros(ctx), editor).disposition);
  });
}

sfsistat onAbort(SMFICTX* ctx) {
  return guarded(ctx, "abort", [&](ConnectionHandler& h) {
    h.abort();
    return SMFIS_CONTINUE;
  });
}

sfsistat onClose(SMFICTX* ctx) {
  delete slotOf(ctx);  // may run without connect; ~ConnectionHandler does not throw
  smfi_setpriv(ctx, nullptr);
  return SMFIS_CONTINUE;
}

}  // namespace

unsigned long wantedProtocol(unsigned long offered, bool refusesBeforeData) {
  unsigned long want = SMFIP_HDR_LEADSPC | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NR_CONN |
                       SMFIP_NR_HELO | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY;
  if (!refusesBeforeData) want |= SMFIP_NR_MAIL | SMFIP_NR_RCPT;
  // SKIP only matters while body chunks are answered.
  if ((offered & SMFIP_NR_BODY) == 0) want |= SMFIP_SKIP;
  return want & offered;
}

unsigned long wantedActions(unsigned long offered) {
  const unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_SETSYMLIST;
  return want & offered;
}

smfiDesc makeMilterDescription(CallbackHost& h) {
  gHost.store(&h, std::memory_order_release);
  smfiDesc d{};
  d.xxfi_name = const_cast<char*>("vouch");
  d.xxfi_version = SMFI_VERSION;
  d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_SETSYMLIST;
  d.xxfi_connect = onConnect;
  d.xxfi_helo = onHelo;
  d.xxfi_envfrom = onEnvFrom;
  d.xxfi_envrcpt = onEnvRcpt;
  d.xxfi_header = onHeader;
  d.xxfi_eoh = onEndOfHeaders;
  d.xxfi_body = onBody;
  d.xxfi_eom = onEndOfMessage;
  d.xxfi_abort = onAbort;
  d.xxfi_close = onClose;
  d.xxfi_negotiate = onNegotiate;
  return d;
}

}  // namespace vouch::milter
