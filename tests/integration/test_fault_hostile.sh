#!/usr/bin/env bash
# Fault test, hostile mail through `vouch check` (default policy, default limits, DNS
# from the bench zone): 10,000 headers, a 100 KB header, lines past 998 bytes, NUL bytes,
# non-UTF-8 with bare LF, 50 DKIM signatures, a 50 MB body. Each gets its defined result:
# a header-limit tempfail (452 4.3.4) for the first, a normal judgement for the others,
# DKIM bounded by dkim.max_signatures. No network; temporary files removed in the trap.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
PY=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

"$PY" "$VOUCH_SOURCE_DIR/tests/integration/data/fault/hostile_mail.py" "$work" \
  "$VOUCH_SOURCE_DIR/bench/data/signed-rsa2048.eml" || { echo "FAIL: cannot write the messages"; exit 1; }

# name | python expression over the JSON object o that must be true
cases=(
  "headers10000|o['action']=='tempfail' and o['reply']['code']=='452' and o['reply']['enhanced']=='4.3.4' and o['headers_truncated'] is True"
  "header100k|o['action']=='accept' and o['spf']['result']=='pass' and o['dmarc']['result']=='pass' and not o['headers_truncated']"
  "longlines|o['action']=='accept' and o['dmarc']['result']=='pass'"
  "nul|o['action']=='accept' and o['dmarc']['result']=='pass' and o['from']['domain']=='bench.example'"
  "nonutf8_barelf|o['action']=='accept' and o['dmarc']['result']=='pass' and o['from']['domain']=='bench.example'"
  "dkim50|o['action']=='accept' and len(o['dkim'])==50 and sum(d['result']=='pass' and d['checked'] for d in o['dkim'])==5 and sum(not d['checked'] for d in o['dkim'])==45 and o['authentication_results'].count('dkim=pass')==5 and o['authentication_results'].count('dkim=none')==5 and o['dmarc']['dkim_aligned'] is True"
  "body50m|o['action']=='accept' and o['dmarc']['result']=='pass' and o['spf']['result']=='pass'"
)
for c in "${cases[@]}"; do
  name=${c%%|*} want=${c#*|}
  out=$(timeout 120 "$VOUCH_BIN" check --dns-file "$VOUCH_SOURCE_DIR/bench/data/bench.zone" \
    --set 'policy.name="default"' --set "policy.dir=\"$VOUCH_SOURCE_DIR/policies\"" \
    --client-ip 192.0.2.10 --helo mail.bench.example --mail-from user@bench.example \
    --rcpt rcpt@example.net --authserv-id mx.fault.test "$work/$name.eml" 2>"$work/err")
  rc=$?
  if [ $rc -ne 0 ]; then fail "$name: vouch check exited $rc: $(tail -n 3 "$work/err")"; continue; fi
  if echo "$out" | "$PY" -c 'import json,sys; o=json.load(sys.stdin); sys.exit(0 if eval(sys.argv[1]) else 1)' "$want"; then
    ok "$name: $(echo "$out" | "$PY" -c 'import json,sys; o=json.load(sys.stdin); print("action=%s dmarc=%s dkim=%d" % (o["action"], o["dmarc"]["result"], len(o["dkim"])))')"
  else
    fail "$name: expected $want; got $(echo "$out" | head -c 1500)"
  fi
done

# Non-UTF-8 HELO and MAIL FROM (both SPF engines): the command still prints its JSON
# (bytes shown as U+FFFD) and exits 0; it used to die on a JSON encoding exception.
printf 'From: a@bench.example\r\n\r\nx\r\n' >"$work/plain.eml"
for engine in native libspf2; do
  out=$(timeout 60 "$VOUCH_BIN" check --dns-file "$VOUCH_SOURCE_DIR/bench/data/bench.zone" \
    --set "spf.engine=\"$engine\"" --set spf.received_spf_header=true --client-ip 2001:db8::5 \
    --helo $'\xff\xfe.bench.example' --mail-from $'<a\xe9@b@bench.example>' "$work/plain.eml" 2>"$work/err")
  rc=$?
  if [ $rc -eq 0 ] && echo "$out" | "$PY" -c 'import json,sys; o=json.load(sys.stdin); sys.exit(0 if o["action"] and o["spf"]["result"] else 1)'; then
    ok "non-UTF-8 HELO/MAIL FROM ($engine): JSON printed, spf=$(echo "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["spf"]["result"])')"
  else
    fail "non-UTF-8 HELO/MAIL FROM ($engine): exit $rc: $(head -c 300 "$work/err")"
  fi
done

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
