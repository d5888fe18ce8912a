#!/usr/bin/env bash
# Reload under load (case 7): a bounded stream of legitimate messages flows through a real
# Postfix while vouch gets SIGHUPs. A policy change (monitor -> default) applies to later
# messages (a spoof of a p=reject domain goes from accepted to 550 5.7.26); a broken
# config is refused with its errors logged and the old snapshot keeps serving; SIGUSR1
# reloads too (a new authserv-id shows in later A-R headers). No stream message fails.
# Everything started is stopped by PID on exit, pass or fail; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
. "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
STREAM_PID=
cleanup() {
  [ -n "$STREAM_PID" ] && kill "$STREAM_PID" 2>/dev/null
  e2e_cleanup
}
trap cleanup EXIT

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

e2e_init || exit 1
cat >"$E2E_DIR/example.com.zone" <<'ZONE'
$ORIGIN example.com.
@       IN SOA ns1 hostmaster 1 3600 600 86400 300
@       IN NS  ns1
ns1     IN A   127.0.0.1
@       IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc  IN TXT "v=DMARC1; p=reject"
ZONE
unbound_start "$E2E_DIR/example.com.zone" || exit 1
sink_start || { echo "smtp-sink did not start"; exit 1; }
vouch_config ''
conf=$E2E_DIR/vouch/vouch.conf
cp "$conf" "$E2E_DIR/monitor.conf"
sed 's/^name = "monitor"$/name = "default"/' "$E2E_DIR/monitor.conf" >"$E2E_DIR/default.conf"
sed 's/^authserv_id = .*/authserv_id = "mx2.vouch-test.example"/' "$E2E_DIR/default.conf" >"$E2E_DIR/renamed.conf"
vouch_start || exit 1
postfix_start || exit 1

legit() { send --xclient-addr 192.0.2.10 --ehlo mail.example.com --from user@example.com --to rcpt@example.net --header "Subject: $1"; }
spoof() { send --xclient-addr 198.51.100.99 --ehlo spoofer.example.net --from ceo@example.com --to rcpt@example.net --header "Subject: spoof"; }
install_conf() { cp "$1" "$conf.new" && chmod 644 "$conf.new" && mv "$conf.new" "$conf"; }
# Waits (bounded) until the vouch log has N lines matching PATTERN.
wait_log() {  # PATTERN N
  local i
  for i in $(seq 100); do
    [ "$(grep -c "$1" "$VOUCH_LOG")" -ge "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# The stream: 40 legitimate messages, one after another, each reply recorded.
STREAM=40
(
  for i in $(seq "$STREAM"); do
    legit "stream $i"
    echo "$i $(send_reply)" >>"$E2E_DIR/stream.replies"
  done
) &
STREAM_PID=$!

# Under monitor, a spoof is accepted (headers only).
spoof
case $(send_reply) in *" 250 "*) ok "monitor: spoof accepted" ;; *) fail "monitor: spoof got $(send_reply)" ;; esac

# Policy change by SIGHUP while the stream flows (a few signals in a row, too).
install_conf "$E2E_DIR/default.conf"
kill -HUP "$VOUCH_PID"; kill -HUP "$VOUCH_PID"; sleep 0.2; kill -HUP "$VOUCH_PID"
wait_log 'reloaded configuration' 1 || fail "no reload logged"
kill -0 "$VOUCH_PID" 2>/dev/null && ok "vouch alive after SIGHUPs" || fail "SIGHUP killed vouch"
spoof
case $(send_reply) in *"550 5.7.26"*) ok "default: spoof rejected $(send_reply)" ;; *) fail "default: spoof got $(send_reply)" ;; esac

# A broken config is refused; the default policy keeps serving.
printf '[policy\nname = 3\n' >"$E2E_DIR/broken.conf"
install_conf "$E2E_DIR/broken.conf"
kill -HUP "$VOUCH_PID"
wait_log 'reload refused' 1 && ok "broken config refused" || fail "broken config not refused"
grep -q 'reload: .*vouch.conf:[0-9]' "$VOUCH_LOG" && ok "errors logged with file:line" || fail "no file:line error logged"
spoof
case $(send_reply) in *"550 5.7.26"*) ok "old snapshot still serving" ;; *) fail "after refused reload: $(send_reply)" ;; esac

# SIGUSR1 reloads too: later messages carry the new authserv-id.
install_conf "$E2E_DIR/renamed.conf"
before=$(grep -c 'reloaded configuration' "$VOUCH_LOG")
kill -USR1 "$VOUCH_PID"
wait_log 'reloaded configuration' $((before + 1)) || fail "SIGUSR1 did not reload"

# The stream ends (bounded by swaks' own timeouts); every message was accepted.
for i in $(seq 1200); do kill -0 "$STREAM_PID" 2>/dev/null || break; sleep 0.1; done
kill "$STREAM_PID" 2>/dev/null; wait "$STREAM_PID" 2>/dev/null; STREAM_PID=
good=$(grep -c ' 250 ' "$E2E_DIR/stream.replies")
[ "$good" = "$STREAM" ] && ok "stream: $good/$STREAM accepted" ||
  fail "stream: $good/$STREAM accepted: $(grep -v ' 250 ' "$E2E_DIR/stream.replies" | head -3)"
legit "after usr1"
wait_delivered $((STREAM + 2)) && ok "stream: all delivered ($(sink_count))" || fail "stream: $(sink_count) delivered"
headers_of "$(sink_last)" | head -n1 | grep -q '^Authentication-Results: mx2.vouch-test.example;' &&
  ok "SIGUSR1: new authserv-id in use" || fail "SIGUSR1: A-R is $(headers_of "$(sink_last)" | head -n1)"

grep -q 'ThreadSanitizer\|AddressSanitizer\|runtime error' "$VOUCH_LOG" && fail "sanitizer report in vouch log"
vouch_stop
[ "$VOUCH_STATUS" = 0 ] && ok "vouch stopped cleanly" || fail "vouch exit status $VOUCH_STATUS"
if [ "$fails" -ne 0 ]; then
  echo "--- vouch log"; grep -v '^message' "$VOUCH_LOG" | tail -n 30
  echo "--- postfix log"; postfix_log | tail -n 30
  exit 1
fi
echo "test_milter_reload: all cases passed"
