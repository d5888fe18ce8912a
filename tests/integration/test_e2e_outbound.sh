#!/usr/bin/env bash
# End-to-end, outbound (case 4): mail from an internal address (127.0.0.1, inside
# outbound.internal_networks) and from an SMTP-authenticated client (SASL login given to
# Postfix through XCLIENT LOGIN=, from an outside address) goes through a real Postfix
# with vouch as its milter and arrives at smtp-sink with an RSA-2048 and an Ed25519
# DKIM-Signature that an independent verifier (python3-dkim, /usr/bin/python3) accepts,
# keys looked up in the test zone. Mail from an outside client without login is judged,
# not signed. Everything started is stopped by PID on exit, pass or fail.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
trap e2e_cleanup EXIT

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
rsa=$(dkim_keypair out-rsa rsa) && ed=$(dkim_keypair out-ed ed25519) || { echo "keygen failed"; exit 1; }
cat >"$E2E_DIR/example.org.zone" <<ZONE
\$ORIGIN example.org.
@                  IN SOA ns1 hostmaster 1 3600 600 86400 300
@                  IN NS  ns1
ns1                IN A   127.0.0.1
@                  IN TXT "v=spf1 ip4:127.0.0.1 -all"
_dmarc             IN TXT "v=DMARC1; p=none"
r2026._domainkey   IN TXT $rsa
e2026._domainkey   IN TXT $ed
ZONE

unbound_start "$E2E_DIR/example.org.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config "
[dkim]
sign = true

[[dkim.keys]]
name = \"org-rsa\"
domain = \"example.org\"
selector = \"r2026\"
key_file = \"$E2E_DIR/keys/out-rsa.pem\"

[[dkim.keys]]
name = \"org-ed\"
domain = \"example.org\"
selector = \"e2026\"
key_file = \"$E2E_DIR/keys/out-ed.pem\"

[[dkim.signing]]
from = [\"*@example.org\"]
keys = [\"org-rsa\", \"org-ed\"]
"
vouch_start || exit 1
postfix_start || exit 1

message() {  # FROM
  printf 'From: Alice <%s>\r\nTo: bob@example.net\r\nSubject: outbound %s\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <%s@example.org>\r\n\r\nSigned on the way out.\r\n' \
    "$1" "$RANDOM" "$RANDOM$RANDOM"
}

check_signed() {  # LABEL
  local f
  f=$(sink_last)
  local verdicts
  verdicts=$(dkim_verify_file "$f" "$E2E_DIR/example.org.zone")
  local rc=$?
  echo "$verdicts" | sed "s/^/    $1: /"
  if [ $rc -eq 0 ] && echo "$verdicts" | grep -q '^rsa-sha256 d=example.org s=r2026 ok' &&
     echo "$verdicts" | grep -q '^ed25519-sha256 d=example.org s=e2026 ok'; then
    ok "$1: RSA and Ed25519 signatures verified by python3-dkim"
  else
    fail "$1: signatures missing or not verified"
    headers_of "$f" | grep -i '^DKIM-Signature' | cut -c1-160
  fi
}

# --- (4a) internal address (127.0.0.1 is in internal_networks)
message alice@example.org >"$E2E_DIR/o1.eml"
send --ehlo client.example.org --from alice@example.org --to bob@example.net --data "$E2E_DIR/o1.eml"
if wait_delivered 1; then check_signed "(4a) internal"; else fail "(4a) not delivered: $(send_reply)"; fi

# --- (4b) SMTP-authenticated client ({auth_authen} via XCLIENT LOGIN) from outside
message alice@example.org >"$E2E_DIR/o2.eml"
send --xclient-addr 203.0.113.45 --xclient-login alice --ehlo laptop.example.org \
  --from alice@example.org --to bob@example.net --data "$E2E_DIR/o2.eml"
if wait_delivered 2; then check_signed "(4b) authenticated"; else fail "(4b) not delivered: $(send_reply)"; fi

# --- outside client without login: judged (A-R), not signed
message alice@example.org >"$E2E_DIR/o3.eml"
send --xclient-addr 203.0.113.46 --ehlo other.example.net \
  --from alice@example.org --to bob@example.net --data "$E2E_DIR/o3.eml"
if wait_delivered 3; then
  h=$(headers_of "$(sink_last)")
  echo "$h" | grep -qi '^DKIM-Signature:' && fail "(4c) inbound mail was signed" || ok "(4c) inbound mail not signed"
  echo "$h" | head -n1 | grep -q '^Authentication-Results: mx.vouch-test.example;.*spf=fail' &&
    ok "(4c) judged: spf=fail in our A-R" || fail "(4c) no judgement: $(echo "$h" | head -n1)"
else
  fail "(4c) not delivered: $(send_reply)"
fi

e2e_finish test_e2e_outbound
