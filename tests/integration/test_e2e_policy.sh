#!/usr/bin/env bash
# End-to-end, policy delegation: a real Postfix with `check_policy_service` pointed at
# the policy server inside the same `vouch milter` process (policyd.socket), which
# answers with the strict policy (policyd.policy) while the milter uses the default one.
# Cases: an SPF-failing sender is refused at RCPT with 550 5.7.23 (before DATA in the
# transcript); a passing sender is accepted and delivered with the milter's
# Authentication-Results; a sender whose DNS fails gets a 4xx at RCPT; nothing refused
# is delivered. Everything started is stopped by PID (and postfix stop) on exit.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
trap e2e_cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root (private Postfix instance)"; exit 77; }

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
cat >"$E2E_DIR/example.com.zone" <<ZONE
\$ORIGIN example.com.
@        IN SOA ns1 hostmaster 1 3600 600 86400 300
@        IN NS  ns1
ns1      IN A   127.0.0.1
@        IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc   IN TXT "v=DMARC1; p=none"
ZONE
cat >"$E2E_DIR/broken.example.zone" <<ZONE
\$ORIGIN broken.example.
@        IN SOA ns1 hostmaster 1 3600 600 86400 300
@        IN NS  ns1
ns1      IN A   127.0.0.1
; a delegation nothing serves: every lookup below it fails (SERVFAIL)
dead     IN NS  ns.nowhere.invalid.
ZONE
unbound_start "$E2E_DIR/example.com.zone" "$E2E_DIR/broken.example.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
POLICY_PORT=$(e2e_free_port)
vouch_config "
[policyd]
socket = \"inet:$POLICY_PORT@127.0.0.1\"
policy = \"strict\"
" && sed -i 's/^name = "monitor"$/name = "default"/' "$E2E_DIR/vouch/vouch.conf"
vouch_start || exit 1
e2e_wait_port "$POLICY_PORT" "$VOUCH_PID" || { fail "policy socket not listening"; cat "$VOUCH_LOG"; exit 1; }
postfix_start || exit 1
/usr/sbin/postconf -c "$POSTFIX_DIR/conf" -e \
  "smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:$POLICY_PORT, permit"
/usr/sbin/postfix -c "$POSTFIX_DIR/conf" reload >/dev/null 2>&1
sleep 1

message() {
  printf 'From: <%s>\r\nTo: rcpt@example.net\r\nSubject: policy e2e %s\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@example.com>\r\n\r\nHello.\r\n' \
    "$1" "$RANDOM" "$RANDOM$RANDOM"
}

# --- SPF fail: refused at RCPT, before DATA
before=$(sink_count)
message user@example.com >"$E2E_DIR/m1.eml"
send --xclient-addr 198.51.100.99 --xclient-name unknown --ehlo spoofer.example.net \
  --from user@example.com --to rcpt@example.net --data "$E2E_DIR/m1.eml"
rcpt_reply=$(printf '%s\n' "$SEND_OUT" | grep -A1 -E '^ -> RCPT TO' | grep -E '^<' | head -n1)
case $rcpt_reply in
  *"550 5.7.23"*) ok "SPF fail refused at RCPT: $rcpt_reply" ;;
  *) fail "expected 550 5.7.23 at RCPT, got: [$rcpt_reply]"; printf '%s\n' "$SEND_OUT" | tail -n 20 ;;
esac
printf '%s\n' "$SEND_OUT" | grep -q '^ -> DATA' && fail "DATA was sent after the RCPT refusal" ||
  ok "no DATA after the refusal"

# --- SPF pass: accepted and delivered with the milter's A-R
message user@example.com >"$E2E_DIR/m2.eml"
send --xclient-addr 192.0.2.10 --xclient-name mail.example.com --ehlo mail.example.com \
  --from user@example.com --to rcpt@example.net --data "$E2E_DIR/m2.eml"
if wait_delivered $((before + 1)); then
  headers_of "$(sink_last)" >"$E2E_DIR/h2"
  head -n1 "$E2E_DIR/h2" | grep -q '^Authentication-Results: mx.vouch-test.example;.*spf=pass' &&
    ok "passing sender delivered with the milter's A-R (spf=pass)" ||
    fail "no A-R with spf=pass on top: $(head -n1 "$E2E_DIR/h2")"
else
  fail "passing sender not delivered: $(send_reply)"
fi

# --- DNS failure for the sender's domain: 4xx at RCPT
before=$(sink_count)
message user@dead.broken.example >"$E2E_DIR/m3.eml"
send --xclient-addr 192.0.2.10 --xclient-name mail.example.com --ehlo mail.example.com \
  --from user@dead.broken.example --to rcpt@example.net --data "$E2E_DIR/m3.eml"
rcpt_reply=$(printf '%s\n' "$SEND_OUT" | grep -A1 -E '^ -> RCPT TO' | grep -E '^<' | head -n1)
case $rcpt_reply in
  *" 4"[0-9][0-9]" 4.7.24"*|*"<** 4"*) ok "DNS failure deferred at RCPT: $rcpt_reply" ;;
  *) fail "expected a 4xx 4.7.24 at RCPT, got: [$rcpt_reply]" ;;
esac
sleep 1
[ "$(sink_count)" = "$before" ] && ok "nothing refused was delivered" || fail "a refused message was delivered"

e2e_finish test_e2e_policy
