#!/usr/bin/env bash
# Integration test of vouch's libunbound resolver against a real unbound server on a
# free loopback port (tests/integration/lib/unbound.sh): multi-string TXT, A, AAAA, MX,
# PTR, CNAME, NXDOMAIN vs NODATA, SERVFAIL (lame delegation, dead upstream), the timeout
# bound against a black hole, names under .test, and parity with --dns-file on the same
# zone. Every process started here is stopped by PID on exit, pass or fail.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
[ -x "$VOUCH_BIN" ] || { echo "FAIL: VOUCH_BIN $VOUCH_BIN is not executable"; exit 1; }
PY=/usr/bin/python3
. "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"

work=$(mktemp -d /tmp/vouch-test-unbound.XXXXXX)
BH_PID=
cleanup() {
  unbound_stop
  if [ -n "$BH_PID" ]; then kill "$BH_PID" 2>/dev/null; wait "$BH_PID" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

fails=0
checks=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat >"$work/test.zone" <<'ZONE'
$TTL 300
$ORIGIN example.test.
@        IN SOA ns1 hostmaster 1 3600 600 86400 300
@        IN NS  ns1
ns1      IN A   127.0.0.1
@        IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
@        IN A   192.0.2.10
@        IN AAAA 2001:db8::10
@        IN MX  10 mx1
@        IN MX  20 mx2
txtonly  IN TXT "only txt here"
esc      IN TXT "caf\195\169 \"quoted\" it's"
www      IN CNAME @
deep.a.b IN TXT "deep"
lame     IN NS  ns.lame.invalid.
$ORIGIN 2.0.192.in-addr.arpa.
10       IN PTR example.test.
ZONE

# A black hole: reads queries, never answers. Its port is printed first.
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    s.recvfrom(4096)
' >"$work/bh.port" &
BH_PID=$!
for _ in $(seq 50); do [ -s "$work/bh.port" ] && break; sleep 0.1; done
bh_port=$(head -n1 "$work/bh.port")
[ -n "$bh_port" ] || { echo "FAIL: black hole did not start"; exit 1; }
closed_port=$(unbound_free_port)   # nothing listens here

unbound_stub blackhole.example.test "127.0.0.1@$bh_port"
unbound_stub dead.example.test "127.0.0.1@$closed_port"
unbound_start "$work/test.zone" || { echo "FAIL: unbound did not start"; exit 1; }
server="127.0.0.1@$UNBOUND_PORT"
echo "unbound pid $UNBOUND_PID on $server; black hole pid $BH_PID on $bh_port"

# expect TYPE NAME EXIT STATUS [RECORD-LINE-REGEX...]
expect() {
  local type=$1 name=$2 want_rc=$3 want_status=$4; shift 4
  checks=$((checks + 1))
  local out rc
  out=$("$VOUCH_BIN" dns "$type" "$name" --server "$server" --timeout-ms 3000 2>&1); rc=$?
  if [ "$rc" -ne "$want_rc" ]; then fail "$type $name: exit $rc, want $want_rc"$'\n'"$out"; return; fi
  if ! grep -q "^;; status: $want_status," <<<"$out"; then
    fail "$type $name: want status $want_status"$'\n'"$out"; return
  fi
  local n=0 pat
  for pat in "$@"; do
    n=$((n + 1))
    grep -Eq -- "$pat" <<<"$out" || fail "$type $name: no record line matching '$pat'"$'\n'"$out"
  done
  local got
  got=$(grep -vc '^;;' <<<"$out")
  [ "$got" -eq "$n" ] || fail "$type $name: $got record lines, want $n"$'\n'"$out"
}

expect TXT example.test 0 ok '^example\.test\.	[0-9]+	IN	TXT	"v=spf1 " "ip4:192\.0\.2\.0/24 -all"$'
expect TXT esc.example.test 0 ok '	"caf\\195\\169 \\"quoted\\" it.s"$'
expect A example.test. 0 ok '	IN	A	192\.0\.2\.10$'
expect AAAA EXAMPLE.test 0 ok '	IN	AAAA	2001:db8::10$'
expect MX example.test 0 ok '	IN	MX	10 mx1\.example\.test\.$' '	IN	MX	20 mx2\.example\.test\.$'
expect PTR 10.2.0.192.in-addr.arpa 0 ok '	IN	PTR	example\.test\.$'
expect A www.example.test 0 ok '	IN	A	192\.0\.2\.10$'
expect TXT missing.example.test 0 nxdomain
expect A txtonly.example.test 0 nodata
expect TXT a.b.example.test 0 nodata          # empty non-terminal
expect TXT lame.example.test 1 servfail       # lame delegation
expect TXT x.lame.example.test 1 servfail
expect TXT nothing.example.org 0 nxdomain     # closed world: nothing leaves loopback

# Dead upstream for a delegated name: a temporary error (SERVFAIL or our timeout).
checks=$((checks + 1))
out=$("$VOUCH_BIN" dns TXT x.dead.example.test --server "$server" --timeout-ms 3000 2>&1); rc=$?
[ "$rc" -eq 1 ] && grep -Eq '^;; status: (servfail|timeout),' <<<"$out" ||
  fail "dead upstream: exit $rc"$'\n'"$out"

# Timeout bound: a black-holed delegation with --timeout-ms 500 ends well within 5 s.
checks=$((checks + 1))
start=$(date +%s%N)
out=$("$VOUCH_BIN" dns TXT x.blackhole.example.test --server "$server" --timeout-ms 500 2>&1); rc=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "black hole: exit $rc after ${elapsed_ms} ms: $(head -n1 <<<"$out")"
[ "$rc" -eq 1 ] && grep -Eq '^;; status: (timeout|servfail),' <<<"$out" ||
  fail "black hole: exit $rc"$'\n'"$out"
[ "$elapsed_ms" -lt 5000 ] || fail "black hole: took ${elapsed_ms} ms (bound 5000)"

# Parity: the same zone through --dns-file gives the same status and records.
for q in "TXT example.test" "TXT esc.example.test" "MX example.test" "A www.example.test" \
         "TXT missing.example.test" "A txtonly.example.test" "TXT lame.example.test" \
         "PTR 10.2.0.192.in-addr.arpa" "TXT a.b.example.test"; do
  checks=$((checks + 1))
  # shellcheck disable=SC2086
  a=$("$VOUCH_BIN" dns $q --server "$server" 2>&1 | grep -v '^;; \(why\|canonical\)' | sed 's/	[0-9]*	IN/	IN/' | sort)
  # shellcheck disable=SC2086
  b=$("$VOUCH_BIN" dns $q --dns-file "$work/test.zone" 2>&1 | grep -v '^;; \(why\|canonical\)' | sed 's/	[0-9]*	IN/	IN/' | sort)
  [ "$a" = "$b" ] || fail "parity $q:"$'\n'"unbound:"$'\n'"$a"$'\n'"zone file:"$'\n'"$b"
done

# The upstream can come from the config's dns.* settings; a bad config exits 2.
checks=$((checks + 1))
printf '[dns]\nnameservers = ["%s"]\ntimeout_ms = 3000\n' "$server" >"$work/vouch.conf"
out=$("$VOUCH_BIN" dns MX example.test --config "$work/vouch.conf" 2>&1); rc=$?
[ "$rc" -eq 0 ] && grep -q '	MX	20 mx2\.example\.test\.$' <<<"$out" || fail "--config: exit $rc"$'\n'"$out"
checks=$((checks + 1))
printf '[dns]\nnameservers = 5\n' >"$work/bad.conf"
out=$("$VOUCH_BIN" dns MX example.test --config "$work/bad.conf" 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q 'bad.conf:2:' <<<"$out" || fail "bad --config: exit $rc"$'\n'"$out"

# Usage errors exit 2.
checks=$((checks + 1))
"$VOUCH_BIN" dns BOGUS example.test --server "$server" >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown type should exit 2"
checks=$((checks + 1))
"$VOUCH_BIN" dns TXT example.test --dns-file "$work/missing.zone" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing zone file should exit 2"

echo "test_unbound: $((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
