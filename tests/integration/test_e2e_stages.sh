#!/usr/bin/env bash
# End-to-end, which stages Postfix waits on: vouch asks Postfix not to wait for replies
# where it cannot refuse anything (SMFIP_NR_*), and keeps the MAIL FROM/RCPT TO replies
# when the local policy judges SPF at MAIL FROM. Cases, through a real Postfix over TCP:
#  (1) monitor policy: SPF pass and SPF fail senders are both delivered with vouch's
#      Authentication-Results on top (every stage quiet, end of message answers);
#  (2) after a reload to the strict policy (spf_stage = "mail_from"), an SPF-fail sender
#      is refused in reply to MAIL FROM itself (550 5.7.23), nothing is delivered, and
#      an SPF-pass sender is still delivered;
#  (3) vouch found the TCP socket of every Postfix connection (no "quick ACKs
#      unavailable" warning), i.e. its reading of libmilter's context held.
# Everything started is stopped by PID (and postfix stop) on exit, pass or fail.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
trap e2e_cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
cat >"$E2E_DIR/stages.example.zone" <<'ZONE'
$ORIGIN stages.example.
@       IN SOA ns1 hostmaster 1 3600 600 86400 300
@       IN NS  ns1
ns1     IN A   127.0.0.1
@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc  IN TXT "v=DMARC1; p=none"
ZONE
unbound_start "$E2E_DIR/stages.example.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config ''
vouch_start || exit 1
postfix_start || exit 1

message() {
  printf 'From: <user@stages.example>\r\nTo: rcpt@example.net\r\nSubject: stages %s\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@stages.example>\r\n\r\nbody\r\n' \
    "$RANDOM" "$RANDOM$RANDOM" >"$E2E_DIR/m.eml"
}
send_as() {  # CLIENT_IP
  message
  send --xclient-addr "$1" --ehlo mail.stages.example --from user@stages.example \
    --to rcpt@example.net --data "$E2E_DIR/m.eml"
}
# The reply swaks got to its MAIL FROM command.
mail_reply() {
  printf '%s\n' "$SEND_OUT" | awk '/^ *[-~]> MAIL FROM/ {m = 1; next} m && /^<(-|\*\*) +[0-9][0-9][0-9]/ {print; exit}'
}

# --- (1) monitor: everything quiet, both delivered
send_as 192.0.2.10
wait_delivered 1 && ok "(1) SPF pass delivered: $(send_reply)" || fail "(1) SPF pass not delivered: $(send_reply)"
headers_of "$(sink_last)" | head -n1 | grep -q 'spf=pass' && ok "(1) A-R on top says spf=pass" ||
  fail "(1) top header: $(headers_of "$(sink_last)" | head -n1)"
send_as 198.51.100.7
wait_delivered 2 && ok "(1) SPF fail delivered under monitor" || fail "(1) SPF fail not delivered: $(send_reply)"
headers_of "$(sink_last)" | head -n1 | grep -q 'spf=fail' && ok "(1) A-R says spf=fail" ||
  fail "(1) top header: $(headers_of "$(sink_last)" | head -n1)"

# --- (2) reload to strict: MAIL FROM is answered again, and refuses SPF fail
sed -i 's/^name = "monitor"$/name = "strict"/' "$E2E_DIR/vouch/vouch.conf"
before=$(grep -c "reloaded configuration" "$VOUCH_LOG")
kill -HUP "$VOUCH_PID"
for _ in $(seq 100); do
  [ "$(grep -c "reloaded configuration" "$VOUCH_LOG")" -gt "$before" ] && break
  sleep 0.1
done
[ "$(grep -c "reloaded configuration" "$VOUCH_LOG")" -gt "$before" ] && ok "(2) reloaded to strict" ||
  fail "(2) no reload logged"
send_as 198.51.100.7
reply=$(mail_reply)
case $reply in
  *" 550 5.7.23"*) ok "(2) SPF fail refused at MAIL FROM: $reply" ;;
  *) fail "(2) expected 550 5.7.23 to MAIL FROM, got: ${reply:-nothing} (last: $(send_reply))" ;;
esac
sleep 1
[ "$(sink_count)" = 2 ] && ok "(2) nothing delivered" || fail "(2) refused message delivered"
send_as 192.0.2.10
wait_delivered 3 && ok "(2) SPF pass delivered under strict: $(send_reply)" ||
  fail "(2) SPF pass not delivered: $(send_reply)"

# --- (3) the socket probe worked on Postfix's connections
grep -q "quick ACKs unavailable" "$VOUCH_LOG" && fail "(3) vouch could not find its TCP sockets" ||
  ok "(3) TCP socket found for every connection"

e2e_finish test_e2e_stages
