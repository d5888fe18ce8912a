#!/usr/bin/env bash
# `vouch policy` as Postfix's check_policy_service sees it: a real daemon on a free
# loopback port, DNS from a zone file, the strict policy. Checks each decision, several
# requests on one connection, a malformed request, reload with a broken config (refused,
# old config keeps serving), reload with a changed policy, and a clean stop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${VOUCH_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
vouch=${VOUCH_BIN:?VOUCH_BIN not set}
py=/usr/bin/python3
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fails=0
check() {  # name, got, want
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got [$2], want [$3]"; fails=$((fails + 1)); fi
}

port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/etc"
cp "$root/conf.d/vouch.conf" "$work/etc/vouch.conf"
cp -r "$root/policies" "$work/policies"
mkdir -p "$work/etc/conf.d"
printf '[policy]\nname = "strict"\ndir = "%s"\n' "$work/policies" >"$work/etc/conf.d/50-test.conf"
"$vouch" policy --config "$work/etc/vouch.conf" --dns-file "$here/data/policyd/spf.zone" \
  --socket "inet:$port@127.0.0.1" --set general.allow_root=true >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
  sleep 0.1
done

# ask SENDER [IP]: one request on a new connection, prints the action.
ask() {
  $py - "$port" "$1" "${2:-192.0.2.10}" <<'PY'
import socket, sys
port, sender, ip = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
req = ("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
       f"client_address={ip}\nclient_name=unknown\nhelo_name=mx.sender.example\n"
       f"sender={sender}\nrecipient=rcpt@dest.example\ninstance=1.{sender}\n\n")
s.sendall(req.encode())
buf = b""
while b"\n\n" not in buf:
    d = s.recv(4096)
    if not d: break
    buf += d
print(buf.split(b"\n\n")[0].decode())
PY
}

check "pass is left to Postfix" "$(ask a@pass.example)" "action=DUNNO"
check "fail is refused with 550 5.7.23" "$(ask a@fail.example | cut -c1-21)" "action=550 5.7.23 SPF"
# strict holds softfail, but a hold can only be applied to a message: at RCPT time
# the policy lets it through and the milter quarantines it at end of message.
check "softfail is not refused at RCPT" "$(ask a@soft.example)" "action=DUNNO"
check "DNS failure defers with 4.7.24" "$(ask a@x.broken.example | cut -c1-29)" "action=DEFER_IF_PERMIT 4.7.24"
check "no SPF record: none" "$(ask a@nothing.example)" "action=DUNNO"

multi=$($py - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
reqs = ""
for sender in ["a@fail.example", "garbage without equals", "a@pass.example"]:
    if "=" in sender or "@" in sender and " " not in sender:
        reqs += f"request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.10\nhelo_name=h\nsender={sender}\n\n"
    else:
        reqs += sender + "\n\n"
s.sendall(reqs.encode())
buf = b""
while buf.count(b"\n\n") < 3:
    d = s.recv(4096)
    if not d: break
    buf += d
print("|".join(x.decode()[:32] for x in buf.split(b"\n\n")[:3]))
PY
)
check "three requests on one connection, one malformed" "$multi" \
  "action=550 5.7.23 SPF check fail|action=DEFER_IF_PERMIT 4.3.0 mal|action=DUNNO"

# A broken config is refused; the running one keeps serving.
echo 'this is = = not toml' >>"$work/etc/conf.d/50-test.conf"
kill -HUP "$pid"; sleep 1
check "broken reload refused" "$(grep -c 'reload refused' "$work/log")" "1"
check "still serving after refused reload" "$(ask b@fail.example | cut -c1-17)" "action=550 5.7.23"

# A good config with the monitor policy is taken: SPF fail no longer refused.
printf '[policy]\nname = "monitor"\ndir = "%s"\n' "$work/policies" >"$work/etc/conf.d/50-test.conf"
kill -HUP "$pid"; sleep 1
check "reload with monitor policy" "$(ask c@fail.example)" "action=DUNNO"

kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
pid=""
check "clean stop" "$rc" "0"
[ "$fails" -eq 0 ] || { echo "--- daemon log"; cat "$work/log"; exit 1; }
echo "policy daemon: all checks passed"
