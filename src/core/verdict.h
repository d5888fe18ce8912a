// Verdict: what the front end tells the MTA. Plain value type. Reply texts may carry
// outside data and must be made safe by the policy step before they land here
// (printable ASCII, no CR/LF); front ends still refuse texts that are not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vouch::core {

// Continue: no decision at this stage (at end of message it means accept).
enum class Action { Continue, Accept, Quarantine, TempFail, Reject, Discard };

std::string_view toString(Action a);

struct Reply {
  std::string code;                // "550"; empty = the MTA's default for the action
  std::string enhanced;            // "5.7.26"
  std::vector<std::string> lines;  // one or more text lines
};

struct Verdict {
  Action action = Action::Continue;
  Reply reply;
  std::string reason;              // for logs and the quarantine reason
  bool decided() const { return action != Action::Continue; }
};

}  // namespace vouch::core
