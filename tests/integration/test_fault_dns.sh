#!/usr/bin/env bash
# Fault test, DNS: `vouch check` with the default policy against a loopback DNS server
# that is down, slow past dns.timeout_ms, answers garbage, truncated (TC, TCP hangs up),
# cut-in-half, wrong-id or SERVFAIL replies. Each must end in temperror -> tempfail, never
# a pass or an accept; the "ok" mode is the control (same server, real answers: accept).
# Servers run on 127.0.0.1 and are stopped by PID in the trap; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
PY=/usr/bin/python3
data=$VOUCH_SOURCE_DIR/tests/integration/data/fault
work=$(mktemp -d)
srv=
cleanup() {
  [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

printf 'From: User <user@example.com>\r\nTo: rcpt@example.net\r\nSubject: dns fault\r\nDate: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@fault.example>\r\n\r\nbody\r\n' >"$work/msg.eml"

start_server() {  # MODE -> sets srv and port
  rm -f "$work/port"
  "$PY" "$data/dns_server.py" "$1" "$work/port" 2>"$work/dns-$1.log" &
  srv=$!
  # Bounded (20 s): python3 and dnspython start slowly while other tests load the machine.
  for _ in $(seq 1 400); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(cat "$work/port" 2>/dev/null)
  [ -n "$port" ]
}
stop_server() { [ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null; srv=; }

check() {  # PORT -> JSON on stdout
  cat >"$work/vouch.conf" <<CONF
[general]
authserv_id = "mx.test.example"
log_target = "stderr"
[dns]
nameservers = ["127.0.0.1@$1"]
timeout_ms = 600
deadline_ms = 2500
[policy]
name = "default"
dir = "$VOUCH_SOURCE_DIR/policies"
[outbound]
internal_networks = []
CONF
  timeout 60 "$VOUCH_BIN" check --config "$work/vouch.conf" --client-ip 192.0.2.10 \
    --helo mail.example.com --mail-from user@example.com --rcpt rcpt@example.net "$work/msg.eml" \
    2>"$work/check.err"
}

field() { "$PY" -c 'import json,sys; o=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

for mode in ok garbage truncated cut slow wrongid servfail down; do
  if [ "$mode" = down ]; then
    port=$("$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  else
    start_server "$mode" || { fail "$mode: DNS server did not start"; continue; }
  fi
  out=$(check "$port"); rc=$?
  stop_server
  if [ $rc -ne 0 ]; then fail "$mode: vouch check exited $rc: $(tail -n 3 "$work/check.err")"; continue; fi
  action=$(echo "$out" | field 'o["action"]')
  spf=$(echo "$out" | field 'o["spf"]["result"]')
  dmarc=$(echo "$out" | field 'o.get("dmarc",{}).get("result","")')
  if [ "$mode" = ok ]; then
    [ "$action/$spf/$dmarc" = accept/pass/pass ] && ok "control: real answers -> spf=$spf dmarc=$dmarc action=$action" \
      || fail "control: expected accept/pass/pass, got $action/$spf/$dmarc"
  else
    [ "$action/$spf/$dmarc" = tempfail/temperror/temperror ] \
      && ok "$mode: spf=$spf dmarc=$dmarc action=$action" \
      || fail "$mode: expected tempfail/temperror/temperror, got $action/$spf/$dmarc ($out)"
  fi
done

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
