#!/usr/bin/env bash
# Security at the daemon level: `vouch milter` started as root with general.user =
# "vouch" runs unprivileged once serving (Uid/Gid lines of /proc/PID/status, no effective
# capabilities) and still judges mail; a world-readable (0644) or group-writable DKIM
# private key stops start-up with exit status 2 naming the file, and nothing listens; the
# same key at 0600 starts (control). Needs root (prints "skipped" and passes without it).
# Daemons run on free loopback ports and are stopped by PID in the trap.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
PY=/usr/bin/python3
if [ "$(id -u)" -ne 0 ] || ! getent passwd vouch >/dev/null; then
  echo "skipped: needs root and the vouch user (scripts/install-deps creates it)"; exit 0
fi
data=$VOUCH_SOURCE_DIR/tests/integration/data/fault
bench=$VOUCH_SOURCE_DIR/bench/data
work=$(mktemp -d)
chmod 0755 "$work"
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

write_conf() {  # PORT USER-LINE [KEY]
  {
    printf '[general]\nauthserv_id = "mx.fault.test"\nlog_target = "stderr"\n%s\n' "$2"
    printf '[milter]\nsocket = "inet:%s@127.0.0.1"\n' "$1"
    printf '[policy]\nname = "default"\ndir = "%s/policies"\n' "$VOUCH_SOURCE_DIR"
    printf '[outbound]\ninternal_networks = []\n'
    if [ -n "${3:-}" ]; then
      printf '[dkim]\nsign = true\n[[dkim.keys]]\nname = "k"\ndomain = "bench.example"\nselector = "rsa2048"\nkey_file = "%s"\n' "$3"
      printf '[[dkim.signing]]\nfrom = ["*@bench.example"]\nkeys = ["k"]\n'
    fi
  } >"$work/vouch.conf"
}

wait_listening() {  # PORT -> 0 when it accepts, 1 when the daemon exited first
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# --- runs as the vouch user after start
vuid=$(id -u vouch); vgid=$(id -g vouch)
port=$(free_port)
write_conf "$port" 'user = "vouch"'
"$VOUCH_BIN" milter --config "$work/vouch.conf" --dns-file "$bench/bench.zone" >"$work/drop.log" 2>&1 &
pid=$!
if wait_listening "$port"; then
  uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
  gids=$(awk '/^Gid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
  capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")
  [ "$uids" = "$vuid $vuid $vuid $vuid" ] && ok "Uid (real, effective, saved, fs) all $vuid (vouch)" \
    || fail "Uid line '$uids', want $vuid x4"
  [ "$gids" = "$vgid $vgid $vgid $vgid" ] && ok "Gid all $vgid" || fail "Gid line '$gids', want $vgid x4"
  [ "$capeff" = 0000000000000000 ] && ok "no effective capabilities" || fail "CapEff $capeff"
  # Every thread, not only the main one.
  bad=$(for t in /proc/$pid/task/*/status; do awk '/^Uid:/ {print $3}' "$t"; done | grep -vx "$vuid" | wc -l)
  [ "$bad" = 0 ] && ok "every thread runs as $vuid" || fail "$bad thread(s) not running as vouch"
  out=$(timeout 60 "$PY" - "$port" "$data" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from milter_client import Milter, inserted_ar, simple_headers
m = Milter(int(sys.argv[1]))
m.connect()
final, text, edits = m.message(simple_headers("unprivileged"), b"hi\r\n")
print(final, inserted_ar(edits))
PY
)
  case $out in a*"spf=pass"*|c*"spf=pass"*) ok "unprivileged daemon judges mail: $out" ;; *) fail "message as vouch: $out" ;; esac
else
  fail "daemon with general.user=vouch did not start: $(tail -n 5 "$work/drop.log")"
fi
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=

# --- key file permissions
cp "$bench/rsa2048.private" "$work/key.private"
for mode in 0644 0604 0620 0600; do
  chmod "$mode" "$work/key.private"
  port=$(free_port)
  write_conf "$port" 'allow_root = true' "$work/key.private"
  "$VOUCH_BIN" milter --config "$work/vouch.conf" --dns-file "$bench/bench.zone" >"$work/key.log" 2>&1 &
  pid=$!
  if [ "$mode" = 0600 ]; then
    wait_listening "$port" && ok "key mode 0600: daemon starts (control)" \
      || fail "key mode 0600 refused: $(tail -n 5 "$work/key.log")"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
    continue
  fi
  rc=
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "key mode $mode: daemon still running"
    kill "$pid"; wait "$pid" 2>/dev/null
  else
    wait "$pid"; rc=$?
  fi
  pid=
  listening=no; (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && listening=yes
  if [ "$rc" = 2 ] && [ $listening = no ] && grep -q "key.private" "$work/key.log"; then
    ok "key mode $mode refused: exit 2, $(grep -m1 key.private "$work/key.log" | cut -c1-160)"
  else
    fail "key mode $mode: exit '$rc', listening=$listening, log: $(tail -n 3 "$work/key.log")"
  fi
done

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
