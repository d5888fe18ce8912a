#!/usr/bin/env bash
# Runs bench sign_cost (vouch's CPU per signed message) next to `openssl speed` for the
# same primitives on the same machine, so the library overhead can be read off.
# Usage: bench/sign_cost.sh BUILD_DIR [MESSAGES_PER_CASE]. Reports only; never a test.
set -euo pipefail
build=${1:?usage: bench/sign_cost.sh BUILD_DIR [MESSAGES_PER_CASE]}
echo "== $(date -u +%FT%TZ) on $(nproc) core(s), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/sign_cost" "${2:-300}"
echo "== openssl speed -seconds 2 rsa2048 ed25519"
openssl speed -seconds 2 rsa2048 ed25519 2>/dev/null | grep -E '^(version|rsa 2048|.*Ed25519|.*sign/s)'
