# bench/lib.sh: shared pieces of the bench scripts (milter-compare, e2e, slow-dns,
# policy-compare). Source it from bash after `set -euo pipefail`; call bench_init first
# and trap bench_cleanup EXIT. Everything runs on loopback; every process started here is
# remembered by PID and stopped in bench_cleanup, even when a script fails half-way.
#
#   bench_init                     # BENCH_WORK (temp dir), VOUCH, LOAD, keys copied 0600
#   bench_dns_start [ZONE...]      # test unbound (tests/integration/lib/unbound.sh) on a
#                                  # free port, and on 127.0.0.1:53 too when that port is
#                                  # free (for the peers that read /etc/resolv.conf)
#   bench_vouch_start NAME SOCKET [EXTRA_TOML]   # vouch milter; pid in PID_<NAME>
#   bench_opendkim_start NAME SOCKET MODE        # MODE v (verify) or s (sign, RSA-2048)
#   bench_opendmarc_start NAME SOCKET            # in a private mount namespace
#   bench_load LABEL SOCKET PIDS CONNS MSGS [milter-load args...]   # one JSON line
#   bench_machine                  # nproc, CPU model, memory, load: one line
here_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$here_lib/.." && pwd)
BENCH_PY=/usr/bin/python3
BENCH_PIDS=()
BENCH_WORK=

bench_init() {
  local build=${VOUCH_BUILD_DIR:-$BENCH_ROOT/build}
  VOUCH=${VOUCH_BIN:-$build/vouch}
  LOAD=${MILTER_LOAD_BIN:-$build/milter-load}
  if [ ! -x "$VOUCH" ] || [ ! -x "$LOAD" ]; then
    echo "bench: build first (cmake --build BUILD --target vouch milter-load), then set" \
         "VOUCH_BUILD_DIR=BUILD; missing $VOUCH or $LOAD" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench: needs root (private Postfix, mount namespaces, port 53 on loopback)" >&2
    exit 1
  fi
  # Not under /tmp: OpenDKIM refuses files below a world-writable directory.
  BENCH_WORK=$(mktemp -d "${BENCH_TMP:-/run}/vouch-bench.XXXXXX")
  chmod 755 "$BENCH_WORK"
  mkdir -p "$BENCH_WORK/keys"
  cp "$BENCH_ROOT/bench/data/rsa2048.private" "$BENCH_ROOT/bench/data/ed25519.private" "$BENCH_WORK/keys/"
  chmod 600 "$BENCH_WORK/keys/"*
  # shellcheck source=../tests/integration/lib/unbound.sh
  . "$BENCH_ROOT/tests/integration/lib/unbound.sh"
  ulimit -n 8192 2>/dev/null || true
}

bench_cleanup() {
  set +e  # a failing kill/wait must not end the clean-up half-way
  local pid i
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BENCH_PIDS=()
  declare -F unbound_stop >/dev/null && unbound_stop
  if [ -n "$BENCH_WORK" ] && [ -d "$BENCH_WORK" ]; then
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $BENCH_WORK" >&2; else rm -rf "$BENCH_WORK"; fi
  fi
}

# Stops one process started here (by PID) and forgets it.
bench_stop() {  # PID
  local pid=$1 i keep=()
  kill "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for i in "${BENCH_PIDS[@]}"; do [ "$i" = "$pid" ] || keep+=("$i"); done
  BENCH_PIDS=("${keep[@]}")
}

bench_free_port() {
  "$BENCH_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_port53_free() {
  "$BENCH_PY" -c '
import socket, sys
for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    try:
        s.bind(("127.0.0.1", 53))
    except OSError:
        sys.exit(1)
    finally:
        s.close()'
}

# The test unbound serving the bench zone (warm cache after the first queries). With
# 127.0.0.1:53 free it also listens there: OpenDMARC and policyd-spf read /etc/resolv.conf
# and are run in a private mount namespace whose /etc/resolv.conf says 127.0.0.1.
BENCH_DNS53=no
bench_dns_start() {  # [ZONE...]
  local zones=("$@")
  [ ${#zones[@]} -gt 0 ] || zones=("$BENCH_ROOT/bench/data/bench.zone")
  if bench_port53_free; then
    UNBOUND_EXTRA_CONF="  interface: 127.0.0.1@53"
    BENCH_DNS53=yes
  else
    UNBOUND_EXTRA_CONF=
    BENCH_DNS53=no
    echo "bench: 127.0.0.1:53 is taken: OpenDMARC/policyd-spf cannot be pointed at the bench DNS" >&2
  fi
  UNBOUND_EXTRA_CONF+=$'\n  msg-cache-size: 16m\n  rrset-cache-size: 16m'
  unbound_start "${zones[@]}"
  echo "nameserver 127.0.0.1" >"$BENCH_WORK/resolv.conf"
  echo "options attempts:2 timeout:2" >>"$BENCH_WORK/resolv.conf"
  # libunbound configuration for OpenDKIM (ResolverConfiguration): forward to the test unbound.
  cat >"$BENCH_WORK/opendkim-unbound.conf" <<EOF
server:
  do-not-query-localhost: no
  do-ip6: no
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$UNBOUND_PORT
EOF
}

# Runs a command in a private mount namespace where /etc/resolv.conf points at the bench
# unbound on 127.0.0.1:53 (unshare -m + bind mount; unshare execs, so $! is the daemon).
bench_in_dns_ns() {
  [ "$BENCH_DNS53" = yes ] || { echo "bench: no bench DNS on 127.0.0.1:53" >&2; return 1; }
  exec unshare -m --propagation private /bin/sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
    "$BENCH_WORK/resolv.conf" "$@"
}

# Waits (bounded, ~20 s) until the milter socket accepts connections.
bench_wait_socket() {  # SOCKET PID
  local i
  for i in $(seq 200); do
    kill -0 "$2" 2>/dev/null || return 1
    "$BENCH_PY" - "$1" <<'PY' 2>/dev/null && return 0
import socket, sys
spec = sys.argv[1]
if spec.startswith("unix:"):
    s = socket.socket(socket.AF_UNIX); s.settimeout(0.2); s.connect(spec[5:])
else:
    port, host = spec.split(":", 1)[1].split("@")
    s = socket.create_connection((host, int(port)), 0.2)
s.close()
PY
    sleep 0.1
  done
  return 1
}

# A milter socket of the given kind: inet:PORT@127.0.0.1 or unix:$BENCH_WORK/NAME.sock.
bench_socket() {  # inet|unix NAME
  if [ "$1" = unix ]; then echo "unix:$BENCH_WORK/$2.sock"; else echo "inet:$(bench_free_port)@127.0.0.1"; fi
}

# Postfix writes inet milters as inet:HOST:PORT, unix ones as unix:PATH.
bench_postfix_milter() {  # SOCKET
  case $1 in
    unix:*) echo "$1" ;;
    inet:*) local pa=${1#inet:}; echo "inet:${pa#*@}:${pa%@*}" ;;
  esac
}

bench_vouch_start() {  # NAME SOCKET [EXTRA_TOML] [BACKLOG]
  local name=$1 sock=$2 conf=$BENCH_WORK/vouch-$1.conf
  cat >"$conf" <<EOF
[general]
authserv_id = "bench.vouch"
log_target = "stderr"
log_level = "warning"
allow_root = true

[milter]
socket = "$sock"
socket_mode = "0666"
backlog = ${4:-128}

[policy]
dir = "$BENCH_ROOT/policies"
name = "monitor"

[dns]
nameservers = ["127.0.0.1@${BENCH_VOUCH_DNS_PORT:-$UNBOUND_PORT}"]

[outbound]
internal_networks = []
sign_authenticated = true

[dkim]
sign = true
canonicalization = "relaxed/relaxed"
oversign_headers = ["from"]

[[dkim.keys]]
name = "rsa"
domain = "bench.example"
selector = "rsa2048"
key_file = "$BENCH_WORK/keys/rsa2048.private"

[[dkim.keys]]
name = "ed"
domain = "bench.example"
selector = "ed25519"
key_file = "$BENCH_WORK/keys/ed25519.private"

${3:-}
EOF
  grep -q '^\[\[dkim.signing\]\]' "$conf" || printf '[[dkim.signing]]\nfrom = ["*@bench.example"]\nkeys = ["rsa"]\n' >>"$conf"
  "$VOUCH" milter --config "$conf" >"$BENCH_WORK/vouch-$name.log" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  printf -v "PID_$name" '%s' "$pid"
  bench_wait_socket "$sock" "$pid" || { echo "bench: vouch $name did not start" >&2; cat "$BENCH_WORK/vouch-$name.log" >&2; return 1; }
}

bench_opendkim_start() {  # NAME SOCKET v|s
  local name=$1 sock=$2 mode=$3 conf=$BENCH_WORK/opendkim-$1.conf
  local osock=$sock
  [[ $sock == unix:* ]] && osock="local:${sock#unix:}"
  cat >"$conf" <<EOF
Syslog no
Background no
Mode $mode
Socket $osock
UMask 000
PidFile $BENCH_WORK/opendkim-$name.pid
AuthservID bench.opendkim
Canonicalization relaxed/relaxed
SignatureAlgorithm rsa-sha256
Domain bench.example
Selector rsa2048
KeyFile $BENCH_WORK/keys/rsa2048.private
OversignHeaders From
EOF
  # Signing: the bench client address is internal. Verifying: it must not be (OpenDKIM
  # accepts mail from internal hosts at end of headers without verifying it).
  # Signing needs no DNS; OpenDKIM's per-thread libunbound set-up from a config file
  # crashes there ("fatal flex scanner internal error"), so only the verifier gets one.
  # With a ResolverConfiguration file OpenDKIM's verifier also crashes under concurrent
  # connections (same flex error), so with the bench DNS on 127.0.0.1:53 it gets
  # "Nameservers 127.0.0.1" (libunbound forwarding to that address) instead.
  if [ "$mode" = v ] && [ "$BENCH_DNS53" = yes ]; then
    echo "Nameservers 127.0.0.1" >>"$conf"
  elif [ "$mode" = v ]; then
    echo "ResolverConfiguration $BENCH_WORK/opendkim-unbound.conf" >>"$conf"
  else
    echo "InternalHosts 192.0.2.0/24" >>"$conf"
  fi
  ${BENCH_WRAP:-} opendkim -f -x "$conf" >"$BENCH_WORK/opendkim-$name.log" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  printf -v "PID_$name" '%s' "$pid"
  bench_wait_socket "$sock" "$pid" || { echo "bench: opendkim $name did not start" >&2; cat "$BENCH_WORK/opendkim-$name.log" >&2; return 1; }
}

bench_opendmarc_start() {  # NAME SOCKET
  local name=$1 sock=$2 conf=$BENCH_WORK/opendmarc-$1.conf
  local osock=$sock
  [[ $sock == unix:* ]] && osock="local:${sock#unix:}"
  echo "203.0.113.254" >"$BENCH_WORK/opendmarc-ignore"
  cat >"$conf" <<EOF
Syslog false
Background false
Socket $osock
UMask 000
PidFile $BENCH_WORK/opendmarc-$name.pid
AuthservID bench.opendmarc
TrustedAuthservIDs bench.opendkim
IgnoreHosts $BENCH_WORK/opendmarc-ignore
SPFSelfValidate true
SPFIgnoreResults true
RejectFailures false
EOF
  bench_in_dns_ns opendmarc -f -c "$conf" >"$BENCH_WORK/opendmarc-$name.log" 2>&1 &
  local pid=$!
  BENCH_PIDS+=("$pid")
  printf -v "PID_$name" '%s' "$pid"
  bench_wait_socket "$sock" "$pid" || { echo "bench: opendmarc $name did not start" >&2; cat "$BENCH_WORK/opendmarc-$name.log" >&2; return 1; }
}

# One milter-load run; prints its JSON line (and keeps a copy in $BENCH_WORK/results).
bench_load() {  # LABEL SOCKET PIDS CONNS MSGS [milter-load args...]
  local label=$1 sock=$2 pids=$3 conns=$4 msgs=$5
  shift 5
  local out
  out=$("$LOAD" --socket "$sock" --connections "$conns" --messages "$msgs" --pid "$pids" \
    --label "$label" "$@") || echo "bench: milter-load $label reported failures" >&2
  echo "$out"
  echo "$out" >>"$BENCH_WORK/results"
}

bench_machine() {
  local model mem
  model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  echo "machine: $(nproc) cores, $model, $mem RAM, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), git $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
}
