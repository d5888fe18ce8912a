// Connection: what is known about one SMTP connection (peer, HELO, authentication,
// which MTA service). Lives as long as the connection; front ends fill it, checks read
// it. One thread at a time. All strings come from the MTA and are untrusted.
#pragma once

#include <string>

namespace vouch::core {

// How the client is treated: outbound (signed, not judged) or inbound (judged).
enum class ClientClass { External, Internal, Authenticated, TrustedForwarder };

std::string_view toString(ClientClass c);

struct Connection {
  std::string clientIp;        // textual, IPv4-mapped IPv6 already unmapped; empty if unknown
  std::string clientName;      // reverse name the MTA found, or "unknown" / "[ip]"
  std::string helo;            // HELO/EHLO argument as given
  std::string authUser;        // {auth_authen}; non-empty = SMTP-authenticated
  std::string daemonName;      // {daemon_name}
  std::string ifAddr;          // {daemon_addr} / {if_addr}
  std::string mtaHostname;     // j macro
  ClientClass clientClass = ClientClass::External;
  unsigned messages = 0;       // transactions begun on this connection
};

}  // namespace vouch::core
