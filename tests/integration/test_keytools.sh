#!/usr/bin/env bash
# Key tools end to end with the built binary: `vouch keygen` (RSA and Ed25519) -> a zone
# made from its output -> `vouch testkey --dns-file` passes; a mismatched, a revoked and
# a missing record, a wrong k= and a 0644 key file each fail with the right message;
# `vouch sign --config` output verifies with python3-dkim. No network, no servers:
# everything lives in a temporary folder removed on exit.
set -euo pipefail
: "${VOUCH_BIN:?VOUCH_BIN must point at the vouch binary}"
PY=/usr/bin/python3
work=$(mktemp -d /tmp/vouch-keytools.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# expect NAME WANT_RC PATTERN CMD...: runs CMD, checks exit code and that stdout+stderr match PATTERN.
expect() {
  local name=$1 want=$2 pattern=$3; shift 3
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -ne "$want" ]; then fail "$name: exit $rc, want $want"; echo "$out" | sed 's/^/     /'; return; fi
  if ! grep -qE -- "$pattern" <<<"$out"; then fail "$name: output lacks /$pattern/"; echo "$out" | sed 's/^/     /'; return; fi
  pass "$name"
}

mkdir keys
expect "keygen rsa" 0 '^s1\._domainkey\.example\.org\. IN TXT "v=DKIM1; k=rsa; p=MIIB' \
  "$VOUCH_BIN" keygen --domain example.org --selector s1 --out keys
expect "keygen ed25519" 0 '^e1\._domainkey\.example\.org\. IN TXT "v=DKIM1; k=ed25519; p=' \
  "$VOUCH_BIN" keygen --domain example.org --selector e1 --type ed25519 --out keys
expect "keygen refuses to overwrite" 2 'File exists' \
  "$VOUCH_BIN" keygen --domain example.org --selector e1 --type ed25519 --out keys
expect "keygen refuses tiny RSA" 2 'bits' \
  "$VOUCH_BIN" keygen --domain example.org --selector t --bits 512 --out keys
for f in keys/s1.private keys/e1.private; do
  mode=$(stat -c %a "$f")
  if [ "$mode" = 600 ]; then pass "$f mode 0600"; else fail "$f mode $mode, want 600"; fi
done

# A second Ed25519 key, to publish a record that does not match.
mkdir other
"$VOUCH_BIN" keygen --domain example.org --selector e1 --type ed25519 --out other >/dev/null 2>&1

conf() {  # conf FILE RSA_KEY ED_KEY
  cat >"$1" <<CONF
[[dkim.keys]]
name = "ex-rsa"
domain = "example.org"
selector = "s1"
key_file = "$2"

[[dkim.keys]]
name = "ex-ed"
domain = "example.org"
selector = "e1"
key_file = "$3"

[[dkim.signing]]
from = ["*@example.org", ".example.org"]
keys = ["ex-rsa", "ex-ed"]
CONF
}
zone() {  # zone FILE RECORD_LINES...
  local f=$1; shift
  { echo '$TTL 300'
    echo 'example.org. IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300'
    for l in "$@"; do echo "$l"; done; } >"$f"
}
conf vouch.conf "$work/keys/s1.private" "$work/keys/e1.private"
rsa_line=$(cat keys/s1.txt)
ed_line=$(cat keys/e1.txt)

zone good.zone "$rsa_line" "$ed_line"
expect "testkey: keygen output passes" 0 '^ok   ex-rsa s1\._domainkey\.example\.org \(rsa 2048 bits\)' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file good.zone
expect "testkey: ed25519 passes too" 0 '^ok   ex-ed e1\._domainkey\.example\.org \(ed25519\)' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file good.zone

zone mismatch.zone "$rsa_line" "$(cat other/e1.txt)"
expect "testkey: mismatch" 1 '^FAIL ex-ed .*mismatch: the published p= is not the public half' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file mismatch.zone

zone revoked.zone "$rsa_line" 'e1._domainkey.example.org. IN TXT "v=DKIM1; k=ed25519; p="'
expect "testkey: revoked" 1 '^FAIL ex-ed .*revoked: p= is empty' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file revoked.zone

zone missing.zone "$rsa_line"
expect "testkey: missing" 1 '^FAIL ex-ed .*missing' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file missing.zone

ed_p=$(sed -E 's/.*p=([^"]*)".*/\1/' keys/e1.txt)
zone wrongk.zone "$rsa_line" "e1._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p=$ed_p\""
expect "testkey: wrong k=" 1 '^FAIL ex-ed .*wrong k=rsa \(the private key is ed25519\)' \
  "$VOUCH_BIN" testkey --config vouch.conf --dns-file wrongk.zone

cp keys/e1.private loose.private
chmod 0644 loose.private
conf loose.conf "$work/keys/s1.private" "$work/loose.private"
expect "testkey: 0644 key file refused" 1 "^FAIL ex-ed .*loose\.private: mode 0644 lets group or others read" \
  "$VOUCH_BIN" testkey --config loose.conf --dns-file good.zone
expect "sign: 0644 key file refused at start-up" 2 "loose\.private: mode 0644" \
  "$VOUCH_BIN" sign --config loose.conf /dev/null

# sign with the rules, then verify both signatures with python3-dkim against the zone lines.
printf 'From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: keytools\r\n\r\nbody line\r\n' >msg.eml
expect "sign --config" 0 '' "$VOUCH_BIN" sign --config vouch.conf msg.eml
"$VOUCH_BIN" sign --config vouch.conf msg.eml >signed.eml
if "$PY" - keys/s1.txt keys/e1.txt signed.eml <<'PYEOF'
import re, sys, dkim
records = {}
for path in sys.argv[1:3]:
    line = open(path).read()
    records[line.split()[0].rstrip('.').lower()] = ''.join(re.findall(r'"([^"]*)"', line)).encode()
def dnsfunc(name, timeout=5):
    return records.get(name.decode().rstrip('.').lower())
msg = open(sys.argv[3], 'rb').read()
d = dkim.DKIM(msg)
n = len([l for l in msg.split(b'\r\n\r\n')[0].split(b'\r\n') if l.lower().startswith(b'dkim-signature:')])
ok = [d.verify(idx=i, dnsfunc=dnsfunc) for i in range(n)]
sys.exit(0 if n == 2 and all(ok) else 1)
PYEOF
then pass "sign output verifies with python3-dkim (2 signatures)"; else fail "python3-dkim rejected vouch sign output"; fi

echo "test_keytools: $failures failure(s)"
[ "$failures" -eq 0 ]
