#!/usr/bin/env bash
# Concurrent connections through the real daemon (labelled `threads`: scripts/run-tests
# also runs it against the ThreadSanitizer build). Six clients send at once through a
# private Postfix - inbound mail judged with DNS, outbound mail DKIM-signed - while vouch
# is reloaded twice; every message must be accepted and delivered with its header edits,
# vouch must stop cleanly (exit 0) and its log must hold no sanitizer report.
# Everything started is stopped by PID on exit, pass or fail; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
SENDERS=()
cleanup() {
  local p
  for p in "${SENDERS[@]}"; do kill "$p" 2>/dev/null; done
  e2e_cleanup
}
trap cleanup EXIT

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

CLIENTS=6
PER_CLIENT=6
e2e_init || exit 1
rsa=$(dkim_keypair c-rsa rsa) && ed=$(dkim_keypair c-ed ed25519) || { echo "keygen failed"; exit 1; }
cat >"$E2E_DIR/zones" <<ZONE
\$ORIGIN example.com.
@                IN SOA ns1 hostmaster 1 3600 600 86400 300
@                IN NS  ns1
ns1              IN A   127.0.0.1
@                IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc           IN TXT "v=DMARC1; p=reject"
r._domainkey     IN TXT $rsa
e._domainkey     IN TXT $ed
ZONE
unbound_start "$E2E_DIR/zones" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config "
[[dkim.keys]]
name = \"r\"
domain = \"example.com\"
selector = \"r\"
key_file = \"$E2E_DIR/keys/c-rsa.pem\"

[[dkim.keys]]
name = \"e\"
domain = \"example.com\"
selector = \"e\"
key_file = \"$E2E_DIR/keys/c-ed.pem\"

[[dkim.signing]]
from = [\"*@example.com\"]
keys = [\"r\", \"e\"]
"
# Generous DNS waits: this test is about concurrency, not about DNS under a loaded CPU.
sed -i 's/^log_level = "debug"$/log_level = "info"/; s/^timeout_ms = 3000$/timeout_ms = 5000/; s/^deadline_ms = 8000$/deadline_ms = 15000/' \
  "$E2E_DIR/vouch/vouch.conf"
vouch_start || exit 1
postfix_start || exit 1

client() {  # N: half the clients send inbound (XCLIENT outside address), half outbound
  local i
  for i in $(seq "$PER_CLIENT"); do
    if [ $(($1 % 2)) = 0 ]; then
      send --xclient-addr "192.0.2.$((10 + $1))" --ehlo mail.example.com --from user@example.com \
        --to "r$1@example.net" --header "Subject: inbound $1/$i"
    else
      send --ehlo client.example.com --from "u$1@example.com" --to "r$1@example.net" --header "Subject: outbound $1/$i"
    fi
    echo "$1/$i $(send_reply)" >>"$E2E_DIR/replies.$1"
  done
}

for c in $(seq "$CLIENTS"); do
  client "$c" &
  SENDERS+=($!)
done
sleep 1
kill -HUP "$VOUCH_PID"
sleep 1
kill -HUP "$VOUCH_PID"
for p in "${SENDERS[@]}"; do wait "$p"; done
SENDERS=()

total=$((CLIENTS * PER_CLIENT))
good=$(cat "$E2E_DIR"/replies.* | grep -c ' 250 ')
[ "$good" = "$total" ] && ok "$good/$total accepted" ||
  fail "$good/$total accepted: $(cat "$E2E_DIR"/replies.* | grep -v ' 250 ' | head -3)"
wait_delivered "$total" && ok "$total delivered" || fail "$(sink_count)/$total delivered"
signed=0 judged=0 passed=0
for f in "$SINK_DIR"/msg.*; do
  h=$(headers_of "$f")
  case $h in
    *"Subject: outbound"*) echo "$h" | grep -c '^DKIM-Signature:' | grep -q '^2$' && signed=$((signed + 1)) ;;
    *"Subject: inbound"*)
      first=$(echo "$h" | head -n1)
      ours=$(echo "$h" | grep -c '^Authentication-Results: mx.vouch-test.example;')
      case $first in
        "Authentication-Results: mx.vouch-test.example; spf="*"dmarc="*) [ "$ours" = 1 ] && judged=$((judged + 1)) ;;
        *) echo "    inbound without our A-R on top: $first" ;;
      esac
      case $first in *"spf=pass"*"dmarc=pass"*) passed=$((passed + 1)) ;; *) echo "    not pass (DNS under load?): $first" ;; esac ;;
  esac
done
[ "$signed" = $((total / 2)) ] && ok "$signed outbound messages carry two signatures" || fail "signed: $signed/$((total / 2))"
[ "$judged" = $((total / 2)) ] && ok "$judged inbound messages carry exactly one A-R of ours, on top ($passed with spf and dmarc pass)" ||
  fail "judged: $judged/$((total / 2))"
[ "$(grep -c 'reloaded configuration' "$VOUCH_LOG")" -ge 1 ] && ok "reloaded while busy" || fail "no reload logged"

vouch_stop
[ "$VOUCH_STATUS" = 0 ] && ok "vouch stopped cleanly" || fail "vouch exit status $VOUCH_STATUS"
if grep -q 'ThreadSanitizer\|AddressSanitizer\|LeakSanitizer\|runtime error' "$VOUCH_LOG"; then
  fail "sanitizer report in vouch log"
  grep -A30 'Sanitizer' "$VOUCH_LOG" | head -60
fi
if [ "$fails" -ne 0 ]; then
  echo "--- vouch log"; grep -v '^message' "$VOUCH_LOG" | tail -n 30
  echo "--- postfix log"; postfix_log | grep -v ' connect \| disconnect ' | tail -n 30
  exit 1
fi
echo "test_milter_concurrent: all cases passed"
