# tests/integration/lib/postfix.sh: a private Postfix instance, an smtp-sink next hop and
# a `vouch milter`, all on loopback with free ports, for the end-to-end tests. Source it
# from bash (after lib/unbound.sh when DNS is needed); everything started here is
# stopped by PID (and `postfix -c DIR stop`) in e2e_cleanup, which the caller must trap:
#
#   . "$VOUCH_SOURCE_DIR/tests/integration/lib/postfix.sh"
#   trap e2e_cleanup EXIT
#   e2e_init                      # E2E_DIR (temp dir, world-readable: vouch drops root);
#                                 # exits 77 (skipped) when not root
#   sink_start                    # SINK_PORT, SINK_DIR (one file per message received)
#   vouch_config EXTRA_TOML       # writes $E2E_DIR/vouch/vouch.conf; VOUCH_PORT
#   vouch_start                   # VOUCH_PID, VOUCH_LOG; waits until it listens
#   postfix_start                 # POSTFIX_DIR, SMTP_PORT; smtpd_milters -> vouch
#   send ARGS...                  # swaks against the instance; output in $SEND_OUT
#   wait_delivered N              # until N messages sit in SINK_DIR (bounded)
#
# The instance is isolated: own config_directory, queue_directory and data_directory in
# E2E_DIR, inet_interfaces = 127.0.0.1, smtpd on SMTP_PORT without chroot, XCLIENT from
# loopback (to present outside client addresses), milter_default_action = tempfail,
# every message relayed to [127.0.0.1]:SINK_PORT. No system service is touched.

E2E_PY=/usr/bin/python3
E2E_DIR=
SINK_PID=
VOUCH_PID=
POSTFIX_DIR=

e2e_free_port() {
  "$E2E_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

e2e_init() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: a private Postfix instance needs root"
    exit 77
  fi
  E2E_DIR=$(mktemp -d /tmp/vouch-e2e.XXXXXX) || return 1
  chmod 755 "$E2E_DIR"
  export E2E_DIR
}

# Waits (bounded: ~20 s) until something accepts TCP connections on 127.0.0.1:PORT.
e2e_wait_port() {  # PORT [PID]
  local i
  for i in $(seq 200); do
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then return 1; fi
    "$E2E_PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close()' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

sink_start() {
  SINK_DIR=$E2E_DIR/sink
  mkdir -p "$SINK_DIR"
  SINK_PORT=$(e2e_free_port)
  # Dump mode: each transaction lands in its own file (template + random suffix).
  /usr/sbin/smtp-sink -u root -R "$SINK_DIR" -d "msg.%H%M%S." "127.0.0.1:$SINK_PORT" 100 \
    >"$E2E_DIR/sink.log" 2>&1 &
  SINK_PID=$!
  e2e_wait_port "$SINK_PORT" "$SINK_PID"
}

sink_stop() {
  if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; fi
  SINK_PID=
}

sink_count() { find "$SINK_DIR" -type f -name 'msg.*' | wc -l; }

# Waits (bounded: ~30 s) until at least N messages arrived at the sink.
wait_delivered() {  # N
  local i
  for i in $(seq 300); do
    [ "$(sink_count)" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

# The newest message file received by the sink.
sink_last() { ls -t "$SINK_DIR"/msg.* 2>/dev/null | head -n1; }

# The header block of a sink file: smtp-sink prepends its own lines (X-Client-Addr,
# X-Helo-Args, X-Mail-Args, X-Rcpt-Args) before the message itself.
message_headers() {  # FILE
  "$E2E_PY" - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read().decode("latin-1").replace("\r\n", "\n")
print(data.split("\n\n", 1)[0])
PY
}

vouch_config() {  # EXTRA_TOML (appended)
  mkdir -p "$E2E_DIR/vouch"
  chmod 755 "$E2E_DIR/vouch"
  VOUCH_PORT=$(e2e_free_port)
  cat >"$E2E_DIR/vouch/vouch.conf" <<CONF
[general]
authserv_id = "mx.vouch-test.example"
log_target = "stderr"
log_level = "debug"
user = "vouch"

[milter]
socket = "inet:$VOUCH_PORT@127.0.0.1"
shutdown_grace_s = 15
timeout_s = 60

[dns]
nameservers = ["127.0.0.1@${UNBOUND_PORT:-9}"]
timeout_ms = 3000
deadline_ms = 8000
infra_host_ttl_s = 2

[policy]
dir = "$VOUCH_SOURCE_DIR/policies"
name = "monitor"
$1
CONF
  chmod 644 "$E2E_DIR/vouch/vouch.conf"
}

vouch_start() {  # extra args for `vouch milter`
  VOUCH_LOG=$E2E_DIR/vouch.log
  "$VOUCH_BIN" milter --config "$E2E_DIR/vouch/vouch.conf" "$@" >>"$VOUCH_LOG" 2>&1 &
  VOUCH_PID=$!
  if ! e2e_wait_port "$VOUCH_PORT" "$VOUCH_PID"; then
    echo "vouch_start: vouch milter did not listen on $VOUCH_PORT; log:" >&2
    cat "$VOUCH_LOG" >&2
    return 1
  fi
}

# Stops vouch with SIGTERM and waits (bounded: ~40 s) for it; prints its exit status.
vouch_stop() {
  [ -n "$VOUCH_PID" ] || return 0
  kill -TERM "$VOUCH_PID" 2>/dev/null
  local i
  for i in $(seq 400); do kill -0 "$VOUCH_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$VOUCH_PID" 2>/dev/null
  wait "$VOUCH_PID" 2>/dev/null
  VOUCH_STATUS=$?
  VOUCH_PID=
}

postfix_start() {
  POSTFIX_DIR=$E2E_DIR/postfix
  SMTP_PORT=$(e2e_free_port)
  mkdir -p "$POSTFIX_DIR/conf" "$POSTFIX_DIR/queue" "$POSTFIX_DIR/data"
  chown postfix "$POSTFIX_DIR/data"
  cat >"$POSTFIX_DIR/conf/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $POSTFIX_DIR/queue
data_directory = $POSTFIX_DIR/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-vouch-e2e
maillog_file = $POSTFIX_DIR/maillog
maillog_file_prefixes = $E2E_DIR
myhostname = mx.vouch-test.example
mydomain = vouch-test.example
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
relay_domains = static:ALL
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_recipient_restrictions = permit
relayhost = [127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtputf8_enable = no
biff = no
smtpd_milters = inet:127.0.0.1:$VOUCH_PORT
non_smtpd_milters = inet:127.0.0.1:$VOUCH_PORT
milter_default_action = tempfail
milter_connect_timeout = 5s
milter_command_timeout = 30s
milter_content_timeout = 60s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
queue_run_delay = 2s
default_process_limit = 30
CF
  cat >"$POSTFIX_DIR/conf/master.cf" <<CF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
  # postfix check creates the queue tree with the ownership Postfix itself demands.
  if ! /usr/sbin/postfix -c "$POSTFIX_DIR/conf" check >"$POSTFIX_DIR/check.log" 2>&1; then
    echo "postfix_start: postfix check failed:" >&2; cat "$POSTFIX_DIR/check.log" >&2; return 1
  fi
  if ! /usr/sbin/postfix -c "$POSTFIX_DIR/conf" start >"$POSTFIX_DIR/start.log" 2>&1; then
    echo "postfix_start: postfix start failed:" >&2; cat "$POSTFIX_DIR/start.log" >&2; return 1
  fi
  if ! e2e_wait_port "$SMTP_PORT"; then
    echo "postfix_start: smtpd does not answer on $SMTP_PORT" >&2
    cat "$POSTFIX_DIR/maillog" >&2 2>/dev/null; return 1
  fi
}

postfix_stop() {
  [ -n "$POSTFIX_DIR" ] || return 0
  /usr/sbin/postfix -c "$POSTFIX_DIR/conf" stop >/dev/null 2>&1
  # The master may still be shutting down; bounded wait on its pid file's process.
  local pid i
  pid=$(cat "$POSTFIX_DIR/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
  if [ -n "$pid" ]; then
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  fi
  POSTFIX_DIR=
}

postfix_log() { cat "$E2E_DIR/postfix/maillog" 2>/dev/null; }

# swaks against the instance; exit status of swaks, transcript in SEND_OUT.
send() {
  SEND_OUT=$(swaks --server "127.0.0.1:$SMTP_PORT" --timeout 60 --hide-informational "$@" 2>&1)
}

# The last SMTP reply swaks saw before QUIT: the end-of-DATA answer, or the refusal.
send_reply() {
  printf '%s\n' "$SEND_OUT" | grep -E '^<(-|\*\*) +[0-9]{3}[ -]' | grep -vE '^<(-|\*\*) +221 ' | tail -n1
}

e2e_cleanup() {
  postfix_stop
  if [ -n "$VOUCH_PID" ]; then kill -9 "$VOUCH_PID" 2>/dev/null; wait "$VOUCH_PID" 2>/dev/null; fi
  VOUCH_PID=
  sink_stop
  declare -F unbound_stop >/dev/null && unbound_stop
  if [ -n "$E2E_DIR" ] && [ -d "$E2E_DIR" ]; then
    if [ -n "${E2E_KEEP:-}" ]; then echo "kept $E2E_DIR"; else rm -rf "$E2E_DIR"; fi
  fi
}

# The message as Postfix delivered it: smtp-sink's own prefix (X-Client-*, X-Helo-Args,
# X-Mail-Args, X-Rcpt-Args and its Received: header) removed, CRLF kept as LF.
message_of() {  # FILE
  "$E2E_PY" - "$1" <<'PY'
import os, re, sys
lines = open(sys.argv[1], "rb").read().decode("latin-1").replace("\r\n", "\n").split("\n")
i = 0
while i < len(lines) and re.match(r"X-(Client-[A-Za-z]+|Helo-Args|Mail-Args|Rcpt-Args):", lines[i]):
    i += 1
if i < len(lines) and lines[i].startswith("Received:") and "smtp-sink" in "".join(lines[i:i+3]):
    i += 1
    while i < len(lines) and lines[i][:1] in (" ", "\t"):
        i += 1
try:
    sys.stdout.write("\n".join(lines[i:]))
    sys.stdout.flush()
except BrokenPipeError:  # a reader such as `head -n1` stopped early: not an error
    os._exit(0)
PY
}

# The header block of message_of, one unfolded header per line ("Name: value").
headers_of() {  # FILE
  message_of "$1" | "$E2E_PY" -c '
import os, sys
head = sys.stdin.read().split("\n\n", 1)[0]
out = []
for line in head.split("\n"):
    if line[:1] in (" ", "\t") and out:
        out[-1] += " " + line.strip()
    elif line:
        out.append(line)
try:
    print("\n".join(out), flush=True)
except BrokenPipeError:  # `head -n1` and the like stop reading early
    os._exit(0)'
}

# DKIM key pair for tests: writes $E2E_DIR/keys/NAME.pem (0600, owned by the vouch user
# so a reload after the privilege drop can read it) and prints the zone-file TXT rdata
# ("v=DKIM1; k=...; p=..." split into quoted strings).
dkim_keypair() {  # NAME rsa|ed25519
  mkdir -p "$E2E_DIR/keys"
  local pem=$E2E_DIR/keys/$1.pem pub
  if [ "$2" = ed25519 ]; then
    openssl genpkey -algorithm ed25519 -out "$pem" 2>/dev/null || return 1
    pub=$(openssl pkey -in "$pem" -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0)
  else
    openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$pem" 2>/dev/null || return 1
    pub=$(openssl pkey -in "$pem" -pubout -outform DER 2>/dev/null | base64 -w0)
  fi
  chmod 600 "$pem"
  chown vouch:vouch "$pem" 2>/dev/null
  "$E2E_PY" -c 'import sys; t=sys.argv[1]; print(" ".join("\"%s\"" % t[i:i+200] for i in range(0, len(t), 200)))' \
    "v=DKIM1; k=$2; p=$pub"
}

# Signs a message file (CRLF) with dkimpy, RSA, relaxed/relaxed: writes OUT.
dkim_sign_file() {  # IN OUT DOMAIN SELECTOR KEYPEM
  "$E2E_PY" - "$@" <<'PY'
import sys, dkim
src, out, domain, sel, key = sys.argv[1:6]
msg = open(src, "rb").read()
sig = dkim.sign(msg, sel.encode(), domain.encode(), open(key, "rb").read(),
                canonicalize=(b"relaxed", b"relaxed"),
                include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
open(out, "wb").write(sig + msg)
PY
}

# Verifies every DKIM-Signature of a delivered message with dkimpy, keys looked up in the
# given zone files. Prints "ALGORITHM d=DOMAIN s=SELECTOR ok|FAIL" per signature; exit 0
# when there is at least one signature and all verify.
dkim_verify_file() {  # FILE ZONEFILE...
  local f=$1; shift
  message_of "$f" >"$E2E_DIR/verify.eml"
  "$E2E_PY" - "$E2E_DIR/verify.eml" "$@" <<'PY'
import re, sys
import shlex
import dkim
path, zones = sys.argv[1], sys.argv[2:]
txt = {}
for z in zones:  # the zone files these tests write: $ORIGIN, then "name IN TXT ..." lines
    origin = ""
    for line in open(z):
        f = shlex.split(line, comments=True)
        if not f:
            continue
        if f[0] == "$ORIGIN":
            origin = f[1].rstrip(".")
            continue
        if "TXT" in f:
            name = f[0]
            name = origin if name == "@" else (name.rstrip(".") if name.endswith(".") else name + "." + origin)
            txt[name.lower()] = "".join(f[f.index("TXT") + 1:]).encode()
def dnsfunc(name, timeout=5):
    n = name.decode() if isinstance(name, bytes) else name
    return txt.get(n.rstrip(".").lower())
msg = open(path, "rb").read().replace(b"\n", b"\r\n")
count = len(re.findall(rb"(?im)^DKIM-Signature:", msg))
ok = 0
d = dkim.DKIM(msg)
for i in range(count):
    good = d.verify(idx=i, dnsfunc=dnsfunc)
    sig = d.signature_fields
    print("%s d=%s s=%s %s" % (sig.get(b"a", b"?").decode(), sig.get(b"d", b"?").decode(),
                               sig.get(b"s", b"?").decode(), "ok" if good else "FAIL"))
    ok += bool(good)
sys.exit(0 if count > 0 and ok == count else 1)
PY
}

# The common end of an e2e script: no sanitizer report in vouch's log, a clean stop
# (exit 0), then the verdict over the script's `fails` count (logs shown on failure).
e2e_finish() {  # SCRIPT_NAME
  grep -q 'ThreadSanitizer\|AddressSanitizer\|runtime error' "$VOUCH_LOG" && fail "sanitizer report in vouch log"
  vouch_stop
  [ "$VOUCH_STATUS" = 0 ] && ok "vouch stopped cleanly" || fail "vouch exit status $VOUCH_STATUS"
  if [ "$fails" -ne 0 ]; then
    echo "--- vouch log"; tail -n 40 "$VOUCH_LOG"
    echo "--- postfix log"; postfix_log | tail -n 40
    exit 1
  fi
  echo "$1: all cases passed"
}
