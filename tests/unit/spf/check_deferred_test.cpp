// SpfCheck's deferred evaluation: MAIL FROM starts the HELO and MAIL FROM evaluations
// and returns before DNS answers; both queries are in flight at once; the findings are
// settled for a decider that needs them, at end of message or on Session::settle(), and
// equal what a serial evaluation (a pool with no workers) records. DNS answers are held
// behind a gate the test opens, so the tests assert on the order of events, never on
// time; waits are bounded so a broken overlap fails instead of hanging. Also run under
// TSan (spf.deferred).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/session.h"
#include "dns/fake_resolver.h"
#include "spf/spf_check.h"

namespace vouch::spf {
namespace {

using core::Result;

constexpr auto kBound = std::chrono::seconds(20);  // only reached when something is broken

// Wraps a FakeResolver: logs each query as it starts and holds every answer until
// open() (or kBound).
class GateResolver final : public dns::Resolver {
 public:
  explicit GateResolver(std::shared_ptr<dns::FakeResolver> inner) : inner_(std::move(inner)) {}

  dns::PendingPtr start(std::string_view name, dns::RrType type) override {
    auto inner = inner_->start(name, type);  // counted by the fake before we tell
    {
      std::lock_guard lock(mu_);
      events_.push_back("start " + std::string(dns::toString(type)) + " " + std::string(name));
    }
    cv_.notify_all();
    return std::make_shared<Held>(*this, std::move(inner));
  }
  void note(std::string event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  void open() {
    note("open");
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  // Waits until `n` queries of `type` have started; false after kBound.
  bool waitForStarts(std::size_t n, dns::RrType type) {
    const std::string prefix = "start " + std::string(dns::toString(type)) + " ";
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kBound, [&] {
      std::size_t seen = 0;
      for (const auto& e : events_) seen += e.rfind(prefix, 0) == 0;
      return seen >= n;
    });
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  class Held final : public dns::Pending {
   public:
    Held(GateResolver& gate, dns::PendingPtr inner) : gate_(gate), inner_(std::move(inner)) {}
    dns::Answer wait(dns::Deadline deadline) override {
      {
        std::unique_lock lock(gate_.mu_);
        gate_.cv_.wait_for(lock, kBound, [&] { return gate_.open_; });
        gate_.events_.push_back("answer");
      }
      return inner_->wait(deadline);
    }

   private:
    GateResolver& gate_;
    dns::PendingPtr inner_;
  };

  std::shared_ptr<dns::FakeResolver> inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
  bool open_ = false;
};

// Records what it saw at MAIL FROM; asks for settled findings only when told to.
class SpyDecider final : public core::Decider {
 public:
  explicit SpyDecider(bool needs) : needs_(needs) {}
  bool needsFindings(core::Stage) const override { return needs_; }
  core::Verdict decide(core::Stage stage, const core::Connection&, const core::Transaction& txn) const override {
    if (stage == core::Stage::MailFrom) {
      sawSpfAtMail = txn.findings.spf.has_value();
      if (txn.findings.spf) resultAtMail = txn.findings.spf->result;
    }
    return {};
  }
  mutable bool sawSpfAtMail = false;  // one thread drives the Session in these tests
  mutable Result resultAtMail = Result::None;

 private:
  bool needs_;
};

struct Harness {
  std::shared_ptr<dns::FakeResolver> fake = std::make_shared<dns::FakeResolver>();
  std::shared_ptr<GateResolver> gate = std::make_shared<GateResolver>(fake);
  config::Config cfg = config::Config::defaults();

  Harness() {
    cfg.authserv_id = "mx.example.org";
    fake->addTxt("example.com", "v=spf1 ip4:192.0.2.1 -all");
    fake->addTxt("mail.example.net", "v=spf1 a -all");
    fake->addA("mail.example.net", "192.0.2.1");
    fake->addTxt("soft.example.com", "v=spf1 ~all");
    fake->addTxt("perm.example.com", "v=spf1 bogus:term -all");
    fake->failName("broken.example.com", dns::Status::ServFail);
  }

  // threads: the pool's limit; 0 evaluates on the caller (the serial behaviour).
  std::unique_ptr<core::Session> session(std::shared_ptr<const core::Decider> decider,
                                         std::size_t threads = SpfCheckFactory::kMaxThreads,
                                         bool gated = true) {
    std::shared_ptr<dns::Resolver> dns = gated ? std::shared_ptr<dns::Resolver>(gate) : fake;
    auto engine = makeEngine(cfg.spf_engine, dns, Limits::fromConfig(cfg));
    EXPECT_NE(engine, nullptr);
    CheckSettings s;
    s.receiver = "mx.example.org";
    std::vector<std::unique_ptr<core::Check>> checks;
    checks.push_back(std::make_unique<SpfCheck>(engine, s, std::make_shared<core::TaskPool>(threads)));
    core::SessionOptions options;
    options.authservId = "mx.example.org";
    return std::make_unique<core::Session>(std::move(options), std::move(checks), std::move(decider));
  }
};

TEST(SpfDeferred, MailFromReturnsAndBothEvaluationsOverlap) {
  Harness h;
  auto decider = std::make_shared<SpyDecider>(false);
  auto s = h.session(decider);
  s->connect("192.0.2.1", "client");
  s->helo("mail.example.net");
  s->mailFrom("<user@example.com>");
  h.gate->note("mailFrom returned");
  // No answer can have arrived yet: the stage came back with nothing settled.
  EXPECT_FALSE(s->transaction().findings.spf);
  EXPECT_FALSE(decider->sawSpfAtMail);
  // Both SPF record lookups start while every answer is still held: had HELO and MAIL
  // FROM run one after the other, the second could only start after the first answer.
  ASSERT_TRUE(h.gate->waitForStarts(2, dns::RrType::TXT)) << "evaluations did not overlap";
  h.gate->open();
  s->settle();
  const auto& txn = s->transaction();
  ASSERT_TRUE(txn.findings.spf);
  EXPECT_EQ(txn.findings.spf->result, Result::Pass);
  ASSERT_TRUE(txn.findings.spfHelo);
  EXPECT_EQ(txn.findings.spfHelo->result, Result::Pass);
  // The order of events: MAIL FROM returned and both TXT queries started before the
  // first answer was let through.
  const auto events = h.gate->events();
  const auto firstAnswer = std::find(events.begin(), events.end(), "answer");
  ASSERT_NE(firstAnswer, events.end());
  EXPECT_NE(std::find(events.begin(), firstAnswer, "mailFrom returned"), firstAnswer);
  std::vector<std::string> txt;
  for (auto it = events.begin(); it != firstAnswer; ++it) {
    if (it->rfind("start TXT ", 0) == 0) txt.push_back(it->substr(10));
  }
  std::sort(txt.begin(), txt.end());
  EXPECT_EQ(txt, (std::vector<std::string>{"example.com", "mail.example.net"})) << ::testing::PrintToString(events);
  s->settle();  // again: nothing pending, nothing added
  EXPECT_EQ(txn.authResults.results().size(), 1u);
}

TEST(SpfDeferred, DeciderThatNeedsFindingsSeesThemAtMailFrom) {
  Harness h;
  auto decider = std::make_shared<SpyDecider>(true);
  auto s = h.session(decider, SpfCheckFactory::kMaxThreads, /*gated=*/false);
  s->connect("192.0.2.7", "client");
  s->helo("mail.example.net");
  s->mailFrom("<user@example.com>");
  EXPECT_TRUE(decider->sawSpfAtMail);
  EXPECT_EQ(decider->resultAtMail, Result::Fail);
}

TEST(SpfDeferred, EndOfMessageSettlesBeforeTheChecksRun) {
  Harness h;
  h.gate->open();
  auto s = h.session(std::make_shared<SpyDecider>(false));
  s->connect("192.0.2.1", "client");
  s->helo("mail.example.net");
  s->mailFrom("<user@example.com>");
  s->rcpt("<rcpt@example.org>");
  core::RecordingActions actions;
  s->endOfMessage(actions);
  ASSERT_TRUE(s->transaction().findings.spf);
  EXPECT_EQ(s->transaction().findings.spf->result, Result::Pass);
  EXPECT_NE(s->transaction().authResults.render().find("spf=pass smtp.mailfrom=user@example.com"),
            std::string::npos);
}

// Findings and A-R of the deferred path equal those of the serial one, result by result.
TEST(SpfDeferred, SameResultsAsSerialEvaluation) {
  struct Case {
    const char* ip;
    const char* helo;
    const char* mailFrom;
    Result want;
  } cases[] = {
      {"192.0.2.1", "mail.example.net", "<user@example.com>", Result::Pass},
      {"192.0.2.7", "mail.example.net", "<user@example.com>", Result::Fail},
      {"192.0.2.7", "mail.example.net", "<user@soft.example.com>", Result::SoftFail},
      {"192.0.2.7", "mail.example.net", "<user@broken.example.com>", Result::TempError},
      {"192.0.2.7", "mail.example.net", "<user@perm.example.com>", Result::PermError},
      {"192.0.2.1", "mail.example.net", "<>", Result::Pass},
      {"192.0.2.1", "", "<>", Result::None},
      {"", "mail.example.net", "<user@example.com>", Result::None},
  };
  for (const char* engine : {"native", "libspf2"}) {
    for (const auto& c : cases) {
      Harness h;
      h.cfg.spf_engine = engine;
      h.gate->open();
      auto serial = h.session(nullptr, 0, false);
      auto deferred = h.session(std::make_shared<SpyDecider>(false));
      for (auto* s : {serial.get(), deferred.get()}) {
        s->connect(c.ip, "client");
        if (*c.helo) s->helo(c.helo);
        s->mailFrom(c.mailFrom);
      }
      deferred->settle();
      const auto& a = serial->transaction();
      const auto& b = deferred->transaction();
      const std::string what = std::string(engine) + " " + c.ip + " " + c.mailFrom;
      ASSERT_TRUE(a.findings.spf && b.findings.spf) << what;
      EXPECT_EQ(a.findings.spf->result, c.want) << what;
      EXPECT_EQ(b.findings.spf->result, a.findings.spf->result) << what;
      EXPECT_EQ(b.findings.spf->identity, a.findings.spf->identity) << what;
      EXPECT_EQ(b.findings.spf->domain, a.findings.spf->domain) << what;
      EXPECT_EQ(b.findings.spf->sender, a.findings.spf->sender) << what;
      EXPECT_EQ(b.findings.spf->reason, a.findings.spf->reason) << what;
      EXPECT_EQ(b.findings.spf->explanation, a.findings.spf->explanation) << what;
      EXPECT_EQ(b.findings.spfHelo.has_value(), a.findings.spfHelo.has_value()) << what;
      if (a.findings.spfHelo && b.findings.spfHelo) {
        EXPECT_EQ(b.findings.spfHelo->result, a.findings.spfHelo->result) << what;
      }
      EXPECT_EQ(b.authResults.render(), a.authResults.render()) << what;
    }
  }
}

TEST(SpfDeferred, AbortAndNewMessageDropWhatIsPending) {
  Harness h;
  auto s = h.session(std::make_shared<SpyDecider>(false));
  s->connect("192.0.2.7", "client");
  s->helo("mail.example.net");
  s->mailFrom("<user@example.com>");
  s->abort();
  h.gate->open();
  s->settle();  // the aborted message's evaluation is not recorded anywhere
  EXPECT_FALSE(s->transaction().findings.spf);
  EXPECT_TRUE(s->transaction().authResults.results().empty());
  s->mailFrom("<user@soft.example.com>");
  s->mailFrom("<user@example.com>");  // a new MAIL without RSET: only this one counts
  s->settle();
  ASSERT_TRUE(s->transaction().findings.spf);
  EXPECT_EQ(s->transaction().findings.spf->domain, "example.com");
  EXPECT_EQ(s->transaction().findings.spf->result, Result::Fail);
  EXPECT_EQ(s->transaction().authResults.results().size(), 1u);
}

// A second message on the connection reuses the first one's evaluation even while it is
// still in flight: one query per record, however many messages wait for it.
TEST(SpfDeferred, PendingEvaluationIsSharedByTheNextMessage) {
  Harness h;
  auto s = h.session(std::make_shared<SpyDecider>(false));
  s->connect("192.0.2.1", "client");
  s->helo("mail.example.net");
  s->mailFrom("<a@example.com>");
  ASSERT_TRUE(h.gate->waitForStarts(2, dns::RrType::TXT));
  const std::size_t queries = h.fake->queryCount();
  s->mailFrom("<a@example.com>");
  EXPECT_EQ(h.fake->queryCount(), queries);
  h.gate->open();
  s->settle();
  ASSERT_TRUE(s->transaction().findings.spf);
  EXPECT_EQ(s->transaction().findings.spf->result, Result::Pass);
}

// Stops every message after the first at MAIL FROM, before the SPF check's turn.
class StopLater final : public core::Check {
 public:
  std::string_view name() const override { return "stop-later"; }
  core::Flow onMailFrom(core::Connection& conn, core::Transaction& txn) override {
    if (conn.messages < 2) return core::Flow::Continue;
    txn.verdict.action = core::Action::Reject;
    return core::Flow::Stop;
  }
};

// A message stopped before SpfCheck::onMailFrom never gets the previous message's SPF.
TEST(SpfDeferred, StoppedMessageGetsNoStaleFindings) {
  Harness h;
  h.gate->open();
  auto engine = makeEngine(h.cfg.spf_engine, h.fake, Limits::fromConfig(h.cfg));
  std::vector<std::unique_ptr<core::Check>> checks;
  checks.push_back(std::make_unique<StopLater>());
  checks.push_back(std::make_unique<SpfCheck>(engine, CheckSettings{}, std::make_shared<core::TaskPool>(4)));
  core::Session s({}, std::move(checks), std::make_shared<SpyDecider>(false));
  s.connect("192.0.2.7", "client");
  s.helo("mail.example.net");
  s.mailFrom("<user@example.com>");  // started, not settled
  EXPECT_EQ(s.mailFrom("<user@example.com>").action, core::Action::Reject);  // stop settles
  EXPECT_FALSE(s.transaction().findings.spf);
  EXPECT_TRUE(s.transaction().authResults.results().empty());
}

}  // namespace
}  // namespace vouch::spf
