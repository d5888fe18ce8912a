#!/usr/bin/env bash
# Golden tests: runs `vouch check` over every tests/golden/<case>/ and compares the JSON
# with expected.json (as data, key order free). Offline: each case answers DNS from its
# own zone file. Pass --update to regenerate expected.json (then review the git diff).
# Needs VOUCH_BIN (set by ctest) and Debian's /usr/bin/python3.
set -euo pipefail
src=${VOUCH_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${VOUCH_BIN:?VOUCH_BIN must point at the vouch executable}"
exec /usr/bin/python3 "$src/tests/golden/golden.py" --vouch "$VOUCH_BIN" "$@"
