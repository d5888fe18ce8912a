#!/usr/bin/env bash
# End-to-end, DNS outage (case 5): with the default policy, mail is judged against a
# private unbound; the DNS server is stopped mid-test, and a message whose domain is not
# cached must get a 4xx (temperror -> tempfail, so the sender retries) and must not be
# delivered; once DNS is back (same port), a retry of the same message is accepted.
# Everything started is stopped by PID on exit, pass or fail; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
trap e2e_cleanup EXIT

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
for d in first.example second.example; do
  cat >"$E2E_DIR/$d.zone" <<ZONE
\$ORIGIN $d.
@       IN SOA ns1 hostmaster 1 3600 600 86400 300
@       IN NS  ns1
ns1     IN A   127.0.0.1
@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc  IN TXT "v=DMARC1; p=reject"
ZONE
done
unbound_start "$E2E_DIR/first.example.zone" "$E2E_DIR/second.example.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config '' && sed -i 's/^name = "monitor"$/name = "default"/' "$E2E_DIR/vouch/vouch.conf"
vouch_start || exit 1
postfix_start || exit 1

message() {  # FROM
  printf 'From: <%s>\r\nTo: rcpt@example.net\r\nSubject: dns outage\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@dns.example>\r\n\r\nbody\r\n' \
    "$1" "$RANDOM$RANDOM"
}
send_from() {  # DOMAIN FILE
  send --xclient-addr 192.0.2.10 --ehlo "mail.$1" --from "user@$1" --to rcpt@example.net --data "$2"
}

# Baseline: DNS up, the first domain passes.
message user@first.example >"$E2E_DIR/a.eml"
send_from first.example "$E2E_DIR/a.eml"
wait_delivered 1 && ok "baseline delivered: $(send_reply)" || fail "baseline not delivered: $(send_reply)"

# DNS down: the second domain (never looked up, so not cached) cannot be judged.
unbound_stop_process
message user@second.example >"$E2E_DIR/b.eml"
send_from second.example "$E2E_DIR/b.eml"
reply=$(send_reply)
case $reply in
  *" 4"[0-9][0-9]" 4."*) ok "DNS down: client told $reply" ;;
  *) fail "DNS down: expected a 4xx, got: $reply" ;;
esac
sleep 2
[ "$(sink_count)" = 1 ] && ok "DNS down: nothing delivered" || fail "DNS down: message delivered"

# DNS back on the same port: a retry is accepted (bounded: libunbound skips a dead
# upstream for dns.infra_host_ttl_s, so the first retries may still be 4xx).
"$UNBOUND_BIN" -c "$UNBOUND_DIR/unbound.conf" -d >>"$UNBOUND_DIR/stdout.log" 2>&1 &
UNBOUND_PID=$!
_unbound_wait_ready || fail "unbound did not come back"
accepted=0
for attempt in $(seq 20); do
  send_from second.example "$E2E_DIR/b.eml"
  case $(send_reply) in *" 250 "*) accepted=1; break ;; esac
  sleep 1
done
if [ "$accepted" = 1 ]; then
  ok "DNS back: retry $attempt accepted"
  wait_delivered 2 && ok "DNS back: delivered" || fail "DNS back: accepted but not delivered"
  headers_of "$(sink_last)" | head -n1 | grep -q 'dmarc=pass' && ok "DNS back: dmarc=pass" ||
    fail "DNS back: A-R is $(headers_of "$(sink_last)" | head -n1)"
else
  fail "DNS back: retries still refused: $(send_reply)"
fi

e2e_finish test_e2e_dns_outage
