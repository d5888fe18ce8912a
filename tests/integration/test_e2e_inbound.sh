#!/usr/bin/env bash
# End-to-end, inbound: a real Postfix (private instance) with vouch as its milter, test
# DNS from a private unbound, smtp-sink as the next hop; clients outside our networks are
# emulated with XCLIENT. Cases:
#  (1) DKIM-signed mail from a domain whose SPF and DMARC pass -> delivered with exactly
#      one Authentication-Results, at the top, showing spf, dkim and dmarc pass;
#  (2) spoofed From of a p=reject domain from an unauthorised IP -> 550 5.7.26, nothing
#      delivered;
#  (3) forged "Authentication-Results: <our authserv-id>; dmarc=pass" -> delivered with
#      the forged header gone, a third party's A-R kept and ours present;
#  (2q) spoofed From of a p=quarantine domain -> accepted and held (smfi_quarantine).
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
keytxt=$(dkim_keypair sender-rsa rsa) || { echo "cannot make a DKIM key"; exit 1; }
cat >"$E2E_DIR/example.com.zone" <<ZONE
\$ORIGIN example.com.
@                IN SOA ns1 hostmaster 1 3600 600 86400 300
@                IN NS  ns1
ns1              IN A   127.0.0.1
@                IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc           IN TXT "v=DMARC1; p=reject"
sel1._domainkey  IN TXT $keytxt
ZONE

cat >"$E2E_DIR/hold.example.zone" <<'ZONE'
$ORIGIN hold.example.
@                IN SOA ns1 hostmaster 1 3600 600 86400 300
@                IN NS  ns1
ns1              IN A   127.0.0.1
@                IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc           IN TXT "v=DMARC1; p=quarantine"
ZONE

unbound_start "$E2E_DIR/example.com.zone" "$E2E_DIR/hold.example.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config '' && sed -i 's/^name = "monitor"$/name = "default"/' "$E2E_DIR/vouch/vouch.conf"
vouch_start || exit 1
postfix_start || exit 1

# A message with CRLF line ends; $1 = From address, $2 = extra header lines (CRLF-ended).
make_message() {
  printf 'From: Sender <%s>\r\nTo: rcpt@example.net\r\nSubject: vouch e2e %s\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@example.com>\r\n%s\r\nHello from the end-to-end test.\r\n' \
    "$1" "$RANDOM" "$RANDOM$RANDOM" "${2:-}"
}

# --- (1) DKIM + SPF + DMARC pass
make_message user@example.com >"$E2E_DIR/m1.eml"
dkim_sign_file "$E2E_DIR/m1.eml" "$E2E_DIR/m1.signed" example.com sel1 "$E2E_DIR/keys/sender-rsa.pem" ||
  fail "(1) dkimpy could not sign"
send --xclient-addr 192.0.2.10 --xclient-name mail.example.com --ehlo mail.example.com \
  --from user@example.com --to rcpt@example.net --data "$E2E_DIR/m1.signed"
if ! wait_delivered 1; then
  fail "(1) not delivered: $(send_reply)"
else
  headers_of "$(sink_last)" >"$E2E_DIR/h1"
  first=$(head -n1 "$E2E_DIR/h1")
  n_ar=$(grep -ci '^Authentication-Results:' "$E2E_DIR/h1")
  case $first in
    "Authentication-Results: mx.vouch-test.example;"*) ok "(1) our A-R is the first header" ;;
    *) fail "(1) first header is not our A-R: $first" ;;
  esac
  [ "$n_ar" = 1 ] && ok "(1) exactly one A-R" || fail "(1) $n_ar A-R headers"
  for want in "spf=pass" "dkim=pass" "dmarc=pass"; do
    grep -qi "^Authentication-Results: mx.vouch-test.example;.*$want" "$E2E_DIR/h1" &&
      ok "(1) $want" || fail "(1) no $want in: $first"
  done
fi

# --- (2) spoofed From of a p=reject domain, unauthorised IP
before=$(sink_count)
make_message ceo@example.com >"$E2E_DIR/m2.eml"
send --xclient-addr 198.51.100.99 --xclient-name unknown --ehlo spoofer.example.net \
  --from ceo@example.com --to rcpt@example.net --data "$E2E_DIR/m2.eml"
reply=$(send_reply)
case $reply in
  *"550 5.7.26"*) ok "(2) client told: $reply" ;;
  *) fail "(2) expected 550 5.7.26, got: $reply" ;;
esac
sleep 1
[ "$(sink_count)" = "$before" ] && ok "(2) nothing delivered" || fail "(2) spoofed message delivered"

# --- (3) forged A-R claiming our authserv-id
make_message user@example.com \
  $'Authentication-Results: mx.vouch-test.example; dmarc=pass header.from=example.com\r\nAuthentication-Results: relay.example.net; spf=pass smtp.mailfrom=example.com\r\nAuthentication-Results: MX.VOUCH-TEST.EXAMPLE ; dkim=pass\r\n' \
  >"$E2E_DIR/m3.eml"
before=$(sink_count)
send --xclient-addr 192.0.2.10 --xclient-name mail.example.com --ehlo mail.example.com \
  --from user@example.com --to rcpt@example.net --data "$E2E_DIR/m3.eml"
if ! wait_delivered $((before + 1)); then
  fail "(3) not delivered: $(send_reply)"
else
  headers_of "$(sink_last)" >"$E2E_DIR/h3"
  if grep -qi 'dmarc=pass header.from=example.com' "$E2E_DIR/h3" || grep -qi 'VOUCH-TEST.EXAMPLE ; dkim=pass' "$E2E_DIR/h3"; then
    fail "(3) a forged A-R survived: $(grep -i '^Authentication-Results' "$E2E_DIR/h3")"
  else
    ok "(3) forged A-R headers removed"
  fi
  grep -q '^Authentication-Results: relay.example.net; spf=pass' "$E2E_DIR/h3" &&
    ok "(3) third-party A-R kept" || fail "(3) third-party A-R lost"
  ours=$(grep -c '^Authentication-Results: mx.vouch-test.example;' "$E2E_DIR/h3")
  [ "$ours" = 1 ] && ok "(3) ours present once" || fail "(3) ours present $ours times"
  head -n1 "$E2E_DIR/h3" | grep -q '^Authentication-Results: mx.vouch-test.example;' &&
    ok "(3) ours on top" || fail "(3) ours not on top"
fi

# --- (2q) spoofed From of a p=quarantine domain -> accepted, held by Postfix (smfi_quarantine)
before=$(sink_count)
make_message boss@hold.example >"$E2E_DIR/m4.eml"
send --xclient-addr 198.51.100.99 --xclient-name unknown --ehlo spoofer.example.net \
  --from boss@hold.example --to rcpt@example.net --data "$E2E_DIR/m4.eml"
reply=$(send_reply)
case $reply in *" 250 "*) ok "(2q) client told: $reply" ;; *) fail "(2q) expected 250, got: $reply" ;; esac
held=0
for i in $(seq 50); do postfix_log | grep -q 'milter-hold' && { held=1; break; }; sleep 0.1; done
[ "$held" = 1 ] && ok "(2q) held by Postfix: $(postfix_log | grep -o 'milter-hold: .*' | head -n1 | cut -c1-90)" ||
  fail "(2q) no milter-hold in the Postfix log"
sleep 1
[ "$(sink_count)" = "$before" ] && ok "(2q) held message not delivered" || fail "(2q) quarantined message delivered"

e2e_finish test_e2e_inbound
