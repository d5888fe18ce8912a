#!/usr/bin/env bash
# Fault tests, MTA side, against `vouch milter` on a free loopback port (DNS from the
# bench zone, default policy), driven by a small milter-protocol client
# (data/fault/milter_faults.py) and milter-load: dropped connections, aborts and a second
# message after an abort; hostile messages (10,000 headers, 100 KB header, long lines,
# NUL, non-UTF-8, bare LF, 50 DKIM signatures, 5 MB body); 500 connections held open while
# messages flow, VmRSS bounded; SIGHUP every second under load with zero failed messages.
# The daemon is stopped by PID in the trap; every wait is bounded.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
PY=/usr/bin/python3
data=$VOUCH_SOURCE_DIR/tests/integration/data/fault
bench=$VOUCH_SOURCE_DIR/bench/data
load=${VOUCH_BUILD_DIR:-$(dirname "$VOUCH_BIN")}/milter-load
work=$(mktemp -d)
pid= holder= loadpid=
cleanup() {
  for p in $loadpid $holder $pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
[ -x "$load" ] || { echo "FAIL: milter-load not built ($load)"; exit 1; }

port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/vouch.conf" <<CONF
[general]
authserv_id = "mx.fault.test"
log_target = "stderr"
log_level = "info"
allow_root = true
[milter]
socket = "inet:$port@127.0.0.1"
[policy]
name = "default"
dir = "$VOUCH_SOURCE_DIR/policies"
[outbound]
internal_networks = []
CONF
"$VOUCH_BIN" milter --config "$work/vouch.conf" --dns-file "$bench/bench.zone" >"$work/milter.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: vouch milter did not start"; cat "$work/milter.log"; exit 1; }
  sleep 0.1
done
rss_mb() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }

timeout 120 "$PY" "$data/milter_faults.py" "$port" protocol || fails=$((fails + 1))
timeout 300 "$PY" "$data/milter_faults.py" "$port" hostile "$bench" || fails=$((fails + 1))
kill -0 "$pid" 2>/dev/null && ok "daemon alive after protocol faults and hostile mail" || fail "daemon died"

# 500 connections held open (negotiated, HELO done) while milter-load sends 200 messages.
mkfifo "$work/go"
timeout 300 "$PY" "$data/milter_faults.py" "$port" hold "" 500 "under load" <"$work/go" >"$work/hold.out" 2>&1 &
holder=$!
exec 7>"$work/go"
for _ in $(seq 1 600); do grep -q READY "$work/hold.out" && break; kill -0 "$holder" 2>/dev/null || break; sleep 0.1; done
if grep -q READY "$work/hold.out"; then
  rss_held=$(rss_mb)
  out=$(timeout 300 "$load" --socket "inet:$port@127.0.0.1" --connections 8 --messages 25 --pid "$pid" \
    --client-ip 192.0.2.10 --helo mail.bench.example --mail-from '<user@bench.example>' --label held \
    "$bench/signed-rsa2048.eml" "$bench/signed-ed25519.eml")
  rss_after=$(rss_mb)
  case $out in
    *'"messages":200,"failed_connections":0'*'"finals":"a=200 "'*) ok "200 messages flowed with 500 connections held: $out" ;;
    *) fail "load with held connections: $out" ;;
  esac
  # Memory bounded: sanitizer builds need several times more.
  limit=400; [ -n "${VOUCH_SANITIZED:-}" ] && limit=1500
  [ "$rss_after" -lt "$limit" ] && ok "VmRSS ${rss_held} MB held, ${rss_after} MB after load (< $limit MB)" \
    || fail "VmRSS ${rss_after} MB after load (limit $limit MB)"
fi
echo go >&7; exec 7>&-
wait "$holder"; hrc=$?; holder=
cat "$work/hold.out"
[ $hrc -eq 0 ] || fail "held connections (rc=$hrc)"

# Reload under load: SIGHUP every half second while 4 connections send 40 messages each,
# in rounds until at least three reloads happened while messages flowed (a fast machine
# sends the 160 messages in well under a second).
hups=0
for round in 1 2 3 4 5 6 7 8 9 10; do
  timeout 300 "$load" --socket "inet:$port@127.0.0.1" --connections 4 --messages 40 --pid "$pid" \
    --client-ip 192.0.2.10 --helo mail.bench.example --mail-from '<user@bench.example>' --label "reload$round" \
    "$bench/signed-rsa2048.eml" "$bench/signed-ed25519.eml" >"$work/reload.out" 2>&1 &
  loadpid=$!
  for _ in $(seq 1 600); do
    kill -0 "$loadpid" 2>/dev/null || break
    kill -HUP "$pid" && hups=$((hups + 1))
    sleep 0.5
  done
  wait "$loadpid"; lrc=$?; loadpid=
  out=$(cat "$work/reload.out")
  case $out in
    *'"messages":160,"failed_connections":0'*'"finals":"a=160 "'*) [ $lrc -eq 0 ] || fail "reload round $round: rc=$lrc $out" ;;
    *) fail "reload under load, round $round ($hups SIGHUPs so far): $out" ;;
  esac
  [ "$(grep -c "reloaded configuration" "$work/milter.log")" -ge 3 ] && break
done
ok "reload under load: $round round(s) of 160 messages, all accepted, $hups SIGHUPs"
reloads=$(grep -c "reloaded configuration" "$work/milter.log")
[ "$reloads" -ge 3 ] && ! grep -q "reload refused" "$work/milter.log" \
  && ok "$reloads reloads applied while messages flowed" || fail "$reloads reloads logged for $hups SIGHUPs"

kill -0 "$pid" 2>/dev/null && ok "daemon alive at the end" || fail "daemon died"
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ $rc -eq 0 ] && ok "clean exit on SIGTERM" || { fail "exit status $rc on SIGTERM"; tail -n 30 "$work/milter.log"; }
if grep -E "ERROR: (Address|Leak|Thread)Sanitizer|runtime error:" "$work/milter.log"; then fail "sanitizer report in the daemon's log"; fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
