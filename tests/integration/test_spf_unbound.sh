#!/usr/bin/env bash
# Integration test of the SPF check through `vouch check` against a real unbound server
# on a free loopback port (tests/integration/lib/unbound.sh), with dns.nameservers in a
# temporary config: pass, fail (with the exp= explanation), temperror from a SERVFAIL
# (lame delegation), the HELO identity for the null sender, and the same answers from the
# libspf2 engine. Every process started here is stopped by PID on exit, pass or fail.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
PY=/usr/bin/python3
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"

work=$(mktemp -d /tmp/vouch-test-spf.XXXXXX)
cleanup() {
  unbound_stop
  rm -rf "$work"
}
trap cleanup EXIT

fails=0
checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$work/spf.zone" <<'ZONE'
$TTL 300
$ORIGIN example.com.
@        IN SOA ns1 hostmaster 1 3600 600 86400 300
@        IN NS  ns1
ns1      IN A   127.0.0.1
@        IN TXT "v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.com -all exp=why.example.com"
_spf     IN TXT "v=spf1 a:relay.example.com ~all"
relay    IN A   198.51.100.25
why      IN TXT "%{i} is not a mail server of %{d}"
mail     IN A   203.0.113.5
mail     IN TXT "v=spf1 a -all"
broken   IN TXT "v=spf1 ip4:192.0.2.300 -all"
lame     IN NS  ns.lame.invalid.
ZONE

cat >"$work/msg.eml" <<'MSG'
From: Someone <user@example.com>
To: rcpt@example.org
Subject: spf integration
Message-ID: <spf-1@example.com>
Date: Fri, 27 Nov 2026 12:00:00 +0000

Hello.
MSG

unbound_start "$work/spf.zone" || exit 1

write_config() {  # engine
  cat >"$work/vouch.conf" <<CONF
[general]
authserv_id = "mx.example.org"
[dns]
nameservers = ["127.0.0.1@$UNBOUND_PORT"]
timeout_ms = 3000
[spf]
engine = "$1"
[policy]
name = "monitor"
dir = "$VOUCH_SOURCE_DIR/policies"
CONF
}

# expect ENGINE IP HELO MAIL_FROM RESULT IDENTITY [EXPLANATION]
expect() {
  local engine=$1 ip=$2 helo=$3 from=$4 want=$5 identity=$6 exp=${7:-}
  checks=$((checks + 1))
  local out rc
  out=$("$VOUCH_BIN" check --config "$work/vouch.conf" --client-ip "$ip" --helo "$helo" \
        --mail-from "$from" --rcpt rcpt@example.org "$work/msg.eml" 2>"$work/stderr"); rc=$?
  if [ $rc -ne 0 ]; then
    fail "$engine $ip $from: vouch check exited $rc: $(head -c 400 "$work/stderr")"
    return
  fi
  local got
  got=$(printf '%s' "$out" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
s = j.get("spf") or {}
ar = j.get("authentication_results", "")
print(s.get("result"), s.get("identity"), "|", s.get("explanation", ""), "|", ar)
') || { fail "$engine $from: output is not JSON: $out"; return; }
  local res=${got%% *} rest=${got#* }
  local ident=${rest%% |*}
  local rest2=${rest#*| }
  local gotexp=${rest2%% |*}
  local ar=${rest2#*| }
  [ "$res" = "$want" ] || { fail "$engine $ip $from: spf=$res, want $want ($out)"; return; }
  [ "$ident" = "$identity" ] || fail "$engine $from: identity=$ident, want $identity"
  if [ -n "$exp" ] && [ "$gotexp" != "$exp" ]; then fail "$engine $from: explanation '$gotexp', want '$exp'"; fi
  case "$ar" in
    *"spf=$want "*"smtp.$identity="*) ;;
    *) fail "$engine $from: Authentication-Results lacks spf=$want smtp.$identity=: $ar" ;;
  esac
}

for engine in native libspf2; do
  write_config "$engine"
  expect "$engine" 192.0.2.7     mail.example.com user@example.com        pass      mailfrom
  expect "$engine" 198.51.100.25 mail.example.com user@example.com        pass      mailfrom
  expect "$engine" 203.0.113.99  mail.example.com '<user@example.com>'    fail      mailfrom
  expect "$engine" 192.0.2.7     mail.example.com user@lame.example.com   temperror mailfrom
  expect "$engine" 192.0.2.7     mail.example.com user@broken.example.com permerror mailfrom
  expect "$engine" 192.0.2.7     mail.example.com user@nospf.example.com  none      mailfrom
  expect "$engine" 203.0.113.5   mail.example.com '<>'                    pass      helo
  expect "$engine" 192.0.2.7     mail.example.com ''                      fail      helo
done
# Only the native engine passes on the exp= text (libspf2's is garbled; see README.md).
write_config native
expect native 203.0.113.99 mail.example.com user@example.com fail mailfrom \
  "203.0.113.99 is not a mail server of example.com"

echo "spf integration: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
