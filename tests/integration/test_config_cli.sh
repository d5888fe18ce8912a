#!/usr/bin/env bash
# `vouch config` end to end: docs/settings.md is what `config defaults --format markdown`
# prints (fails when stale), the shipped config and policies check clean, broken files
# give file:line errors and exit 2, drop-ins, --set and `config show` work, and the help
# texts list the subcommands. Needs VOUCH_BIN and VOUCH_SOURCE_DIR; starts no server, no network.
set -uo pipefail
: "${VOUCH_BIN:?}" "${VOUCH_SOURCE_DIR:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
expect_rc() {  # want, name, command...
  local want=$1 name=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"; local rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$name"; else fail "$name (exit $rc, want $want)"; cat "$work/out" "$work/err"; fi
}
expect_grep() {  # file, fixed string, name
  if grep -qF -- "$2" "$1"; then pass "$3"; else fail "$3: no '$2' in:"; cat "$1"; fi
}

# 1. docs/settings.md is generated, not hand-edited.
"$VOUCH_BIN" config defaults --format markdown >"$work/settings.md"
if diff -u "$VOUCH_SOURCE_DIR/docs/settings.md" "$work/settings.md" >"$work/diff"; then
  pass "docs/settings.md is up to date"
else
  fail "docs/settings.md is stale: run 'vouch config defaults --format markdown > docs/settings.md'"
  head -40 "$work/diff"
fi

# 2. The shipped config (repository layout: conf.d/ beside policies/) checks clean.
(cd "$VOUCH_SOURCE_DIR" && "$VOUCH_BIN" config check --config conf.d/vouch.conf) >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 0 ] && pass "config check conf.d/vouch.conf exits 0" || { fail "config check conf.d/vouch.conf (exit $rc)"; cat "$work/err"; }
expect_grep "$work/out" "policy monitor" "the shipped config chooses the monitor policy"
for p in monitor default strict; do
  expect_rc 0 "policy $p checks clean" "$VOUCH_BIN" config check --config "$VOUCH_SOURCE_DIR/conf.d/vouch.conf" --set "policy.name=$p"
done

# 3. A broken copy: every error as file:line, exit 2.
mkdir -p "$work/etc/conf.d"
cp "$VOUCH_SOURCE_DIR/conf.d/vouch.conf" "$work/etc/vouch.conf"
base=$(wc -l <"$work/etc/vouch.conf")
printf '[dkim]\nmax_signatures = 0\nmax_signature = 3\n' >>"$work/etc/vouch.conf"
printf '# drop-in\n[general]\nlog_target = "file"\n' >"$work/etc/conf.d/10-bad.conf"
printf 'this is = = not toml\n' >"$work/etc/conf.d/20-note.conf.example"
expect_rc 2 "a broken config exits 2" "$VOUCH_BIN" config check --config "$work/etc/vouch.conf"
expect_grep "$work/err" "$work/etc/vouch.conf:$((base + 2)): dkim.max_signatures: 0 is out of range [1, 50]" "bounds error names file:line"
expect_grep "$work/err" "$work/etc/vouch.conf:$((base + 3)): unknown setting 'dkim.max_signature' (did you mean 'dkim.max_signatures'?)" "unknown key error suggests the right name"
expect_grep "$work/err" "$work/etc/conf.d/10-bad.conf:3: general.log_target: \"file\" is not one of syslog|stderr" "drop-in error names the drop-in"
if grep -q "20-note" "$work/err"; then fail "*.conf.example must not be read"; else pass "*.conf.example is ignored"; fi
printf '[general\n' >"$work/etc/conf.d/30-syntax.conf"
expect_rc 2 "a TOML syntax error exits 2" "$VOUCH_BIN" config check --config "$work/etc/vouch.conf"
expect_grep "$work/err" "$work/etc/conf.d/30-syntax.conf:1: TOML syntax error" "syntax error names file:line"

# 4. The example drop-ins, enabled, check clean; defaults as TOML is a valid config.
rm -f "$work/etc/conf.d/"*
cp "$VOUCH_SOURCE_DIR/conf.d/vouch.conf" "$work/etc/vouch.conf"
for ex in "$VOUCH_SOURCE_DIR"/conf.d/*.conf.example; do
  cp "$ex" "$work/etc/conf.d/$(basename "$ex" .example)"
done
# config check builds the whole snapshot: a missing key file is reported where it is declared.
expect_rc 2 "a missing DKIM key file fails config check" "$VOUCH_BIN" config check --config "$work/etc/vouch.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies"
expect_grep "$work/err" "$work/etc/conf.d/10-signing.conf:12: " "the missing key names its declaration"
# The signing example names keys under ../keys/ (from conf.d/): make them as its comment says.
mkdir -p "$work/etc/keys/rsa" "$work/etc/keys/ed25519"
"$VOUCH_BIN" keygen --domain example.org --selector 2026a --type rsa --out "$work/etc/keys/rsa" >/dev/null 2>&1
"$VOUCH_BIN" keygen --domain example.org --selector 2026e --type ed25519 --out "$work/etc/keys/ed25519" >/dev/null 2>&1
expect_rc 0 "shipped drop-in examples check clean" "$VOUCH_BIN" config check --config "$work/etc/vouch.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies"
"$VOUCH_BIN" config defaults --format toml >"$work/defaults.conf"
expect_rc 0 "config defaults --format toml is a valid config" "$VOUCH_BIN" config check --config "$work/defaults.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies"
expect_rc 2 "a bad --set exits 2" "$VOUCH_BIN" config check --config "$work/defaults.conf" --set "dkim.max_signatures=500"
expect_grep "$work/err" "--set: dkim.max_signatures: 500 is out of range" "--set errors name --set"

# `config show`: effective values with origins, itself a valid config.
expect_rc 0 "config show" "$VOUCH_BIN" config show --config "$work/etc/vouch.conf" --set dns.timeout_ms=1234
expect_grep "$work/out" "timeout_ms = 1234  # --set" "config show names --set as the origin"
expect_grep "$work/out" "nameservers = [\"127.0.0.1@53\", \"::1@53\"]  # $work/etc/conf.d/20-dns.conf:" "config show names the drop-in"
cp "$work/out" "$work/shown.conf"
expect_rc 0 "config show output is a valid config" "$VOUCH_BIN" config check --config "$work/shown.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies"

# 5. A broken local policy is reported with its own file:line.
printf '[defaults]\ndmarc_reject = "bounce"\n' >"$work/mine.toml"
expect_rc 2 "a broken policy exits 2" "$VOUCH_BIN" config check --config "$work/defaults.conf" --set "policy.name=$work/mine.toml"
expect_grep "$work/err" "$work/mine.toml:2: defaults.dmarc_reject must be one of" "policy error names file:line"

# policyd.policy names a second local policy; config check loads it as well.
expect_rc 0 "policyd.policy = strict checks clean" "$VOUCH_BIN" config check --config "$work/defaults.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies" --set policyd.policy=strict
expect_rc 2 "a missing policyd.policy exits 2" "$VOUCH_BIN" config check --config "$work/defaults.conf" --set "policy.dir=$VOUCH_SOURCE_DIR/policies" --set policyd.policy=stric
expect_grep "$work/err" "--set: policy 'stric' not found" "the policyd.policy error names its origin"

# 6. Help texts.
expect_rc 0 "vouch --help" "$VOUCH_BIN" --help
expect_grep "$work/out" "Subcommands:" "vouch --help lists subcommands"
expect_grep "$work/out" "config" "vouch --help lists config"
expect_rc 0 "vouch config --help" "$VOUCH_BIN" config --help
expect_grep "$work/out" "check" "config --help lists check"
expect_grep "$work/out" "defaults" "config --help lists defaults"
expect_grep "$work/out" "show" "config --help lists show"
expect_rc 2 "vouch config without a subcommand is a usage error" "$VOUCH_BIN" config
expect_rc 2 "unknown --format is a usage error" "$VOUCH_BIN" config defaults --format yaml

if [ "$fails" -ne 0 ]; then echo "test_config_cli: $fails failure(s)"; exit 1; fi
echo "test_config_cli: all passed"
