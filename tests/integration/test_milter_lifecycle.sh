#!/usr/bin/env bash
# The milter daemon's life with a real Postfix in front:
#  (6) vouch killed with SIGKILL -> Postfix applies milter_default_action (4xx), nothing
#      is accepted unchecked; vouch restarted on the same socket -> mail flows again;
#  drain: SIGTERM while a message is in flight (its DNS answers are slow) -> the message
#      still gets vouch's answer (not the MTA's default action), vouch exits 0;
#  unix socket: mode 0660, owned by the run user, removed at exit; JSON log lines;
#  start-up refusals: `inet:PORT` without a host and a broken config exit with status 2.
# Everything started is stopped by PID on exit, pass or fail; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
SLOW_PID=
cleanup() {
  [ -n "$SLOW_PID" ] && kill "$SLOW_PID" 2>/dev/null
  e2e_cleanup
}
trap cleanup EXIT

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
# A DNS server that reads queries and never answers: lookups below slow.example wait
# for vouch's dns.timeout_ms, which keeps a message in flight long enough to SIGTERM.
SLOW_PORT=$(e2e_free_port)
"$E2E_PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    s.recvfrom(4096)' "$SLOW_PORT" &
SLOW_PID=$!
cat >"$E2E_DIR/fast.example.zone" <<'ZONE'
$ORIGIN fast.example.
@       IN SOA ns1 hostmaster 1 3600 600 86400 300
@       IN NS  ns1
ns1     IN A   127.0.0.1
@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
ZONE
unbound_stub slow.example "127.0.0.1@$SLOW_PORT"
unbound_start "$E2E_DIR/fast.example.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config ''
vouch_start || exit 1
postfix_start || exit 1

internal_mail() { send --ehlo client.example.org --from a@example.org --to b@example.net --header "Subject: lifecycle $1"; }

# --- baseline
internal_mail 1
wait_delivered 1 && ok "baseline delivered" || fail "baseline not delivered: $(send_reply)"

# --- (6) SIGKILL: Postfix's milter_default_action (tempfail) applies
kill -9 "$VOUCH_PID"; wait "$VOUCH_PID" 2>/dev/null; VOUCH_PID=
internal_mail 2
reply=$(send_reply)
case $reply in
  *" 4"[0-9][0-9]" "*) ok "(6) vouch dead: client told $reply" ;;
  *) fail "(6) vouch dead: expected 4xx, got: $reply" ;;
esac
sleep 2
[ "$(sink_count)" = 1 ] && ok "(6) nothing accepted unchecked" || fail "(6) mail delivered without the milter"
vouch_start --set general.log_format=json || fail "(6) restart failed"
internal_mail 3
wait_delivered 2 && ok "(6) restarted: mail flows ($(send_reply))" || fail "(6) after restart: $(send_reply)"
# The restarted daemon logs JSON lines: one object per message, with the queue id.
"$E2E_PY" - "$VOUCH_LOG" <<'PY' && ok "JSON log line per message" || fail "no valid JSON message line"
import json, sys
found = False
for line in open(sys.argv[1]):
    if line.startswith("{"):
        o = json.loads(line)
        found |= o.get("event") == "message" and bool(o.get("queue_id")) and o.get("action") == "accept"
sys.exit(0 if found else 1)
PY

# --- drain on SIGTERM with a message in flight
( send --xclient-addr 192.0.2.10 --ehlo mail.slow.example --from user@slow.example \
    --to b@example.net --header "Subject: slow"; send_reply >"$E2E_DIR/slow.reply" ) &
sender=$!
# Postfix logs "client=" once MAIL FROM and RCPT got through vouch: from then on the
# message is in flight, waiting on DNS (bounded poll, no timing assumption).
for i in $(seq 300); do postfix_log | grep -q 'client=.*\[192\.0\.2\.10\]' && break; sleep 0.1; done
kill -TERM "$VOUCH_PID"
wait "$sender"
for i in $(seq 400); do kill -0 "$VOUCH_PID" 2>/dev/null || break; sleep 0.1; done
wait "$VOUCH_PID" 2>/dev/null; status=$?; VOUCH_PID=
[ "$status" = 0 ] && ok "drain: vouch exited 0" || fail "drain: vouch exit status $status"
grep -q 'stopping: 1 message(s) in flight' "$VOUCH_LOG" && ok "drain: one message was in flight" ||
  fail "drain: no message in flight at SIGTERM ($(grep stopping "$VOUCH_LOG"))"
slow=$(cat "$E2E_DIR/slow.reply")
case $slow in
  *"Service unavailable"*|"") fail "drain: message cut off: '$slow'" ;;
  *) ok "drain: in-flight message answered by vouch: $slow" ;;
esac
grep -q '"mail_from":"<user@slow.example>"' "$VOUCH_LOG" &&
  ok "drain: its log line was written" || fail "drain: no log line for the slow message"

# --- unix socket: created with the configured mode and the run user, removed at exit
mkdir -p "$E2E_DIR/run" && chown vouch "$E2E_DIR/run"  # like systemd's RuntimeDirectory
sock=$E2E_DIR/run/vouch.sock
"$VOUCH_BIN" milter --config "$E2E_DIR/vouch/vouch.conf" --set "milter.socket=unix:$sock" \
  --set milter.socket_mode=0660 >"$E2E_DIR/unix.log" 2>&1 &
upid=$!
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
if [ -S "$sock" ]; then
  perm=$(stat -c '%A %U' "$sock")
  [ "$perm" = "srw-rw---- vouch" ] && ok "unix socket $perm" || fail "unix socket is '$perm'"
else
  fail "no unix socket: $(cat "$E2E_DIR/unix.log")"
fi
kill -TERM "$upid"
for i in $(seq 300); do kill -0 "$upid" 2>/dev/null || break; sleep 0.1; done
wait "$upid"; rc=$?
[ "$rc" = 0 ] && [ ! -e "$sock" ] && ok "unix socket removed at exit" || fail "unix: status $rc, socket left: $(ls -l "$sock" 2>&1)"

# --- start-up refusals (exit status 2, one clear message)
"$VOUCH_BIN" milter --config "$E2E_DIR/vouch/vouch.conf" --set milter.socket=inet:8893 >"$E2E_DIR/bad1.log" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q 'every interface' "$E2E_DIR/bad1.log" && ok "inet:PORT without host refused" ||
  fail "inet:PORT without host: status $rc: $(cat "$E2E_DIR/bad1.log")"
printf '[milter\nsocket = 1\n' >"$E2E_DIR/broken.conf"
"$VOUCH_BIN" milter --config "$E2E_DIR/broken.conf" >"$E2E_DIR/bad2.log" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q 'broken.conf:' "$E2E_DIR/bad2.log" && ok "broken config refused with file:line" ||
  fail "broken config: status $rc: $(cat "$E2E_DIR/bad2.log")"

grep -q 'ThreadSanitizer\|AddressSanitizer\|runtime error' "$VOUCH_LOG" && fail "sanitizer report in vouch log"
if [ "$fails" -ne 0 ]; then
  echo "--- vouch log"; tail -n 40 "$VOUCH_LOG"
  echo "--- postfix log"; postfix_log | tail -n 30
  exit 1
fi
echo "test_milter_lifecycle: all cases passed"
