# tests/integration/lib/unbound.sh: a private unbound DNS server on loopback for tests.
# Source it from bash; it starts Debian's /usr/sbin/unbound with its own config in a temp
# dir (no chroot, no /etc/unbound, no trust anchors, no network: a closed world where every
# name outside the served zones is NXDOMAIN) and stops it by PID.
#
#   . "$VOUCH_SOURCE_DIR/tests/integration/lib/unbound.sh"
#   trap unbound_stop EXIT                 # always: stops by PID even when a test fails
#   unbound_stub NAME ADDR@PORT            # optional, before start: NAME and below are
#                                          # resolved by asking ADDR@PORT (black holes,
#                                          # dead servers); repeatable
#   unbound_start ZONEFILE...              # exports UNBOUND_PORT UNBOUND_PID UNBOUND_DIR;
#                                          # returns 1 (with the log) if unbound did not answer
#   unbound_stop                           # kills UNBOUND_PID, removes UNBOUND_DIR and
#                                          # forgets the stubs
#   unbound_free_port                      # prints a free loopback UDP+TCP port
#
# Zone files are RFC 1035 master files (parsed with dnspython into local-data). Each file
# becomes a static local-zone at its SOA owner, or at its first $ORIGIN when it has no SOA.
# As in vouch's ZoneResolver, NS records below a zone's SOA owner are lame delegations:
# those names answer SERVFAIL (they are stubbed to a closed loopback port). Names under
# .test and the documentation reverse zones (2.0.192.in-addr.arpa...) are served normally.
# UNBOUND_EXTRA_CONF (optional) is appended to the server: clause verbatim.

UNBOUND_BIN=${UNBOUND_BIN:-/usr/sbin/unbound}
UNBOUND_PY=${UNBOUND_PY:-/usr/bin/python3}
_unbound_stubs=()

unbound_free_port() {
  "$UNBOUND_PY" - <<'PY'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close(); continue
    t.close(); u.close()
    print(port)
    break
PY
}

unbound_stub() {  # NAME ADDR@PORT
  _unbound_stubs+=("$1 $2")
}

# Writes the local-zone/local-data lines for the zone files on stdout; lame delegations
# go to stderr-free lines "LAME name" that the caller turns into stubs.
_unbound_zone_conf() {
  "$UNBOUND_PY" - "$@" <<'PY'
import re, sys
import dns.name, dns.rdataclass, dns.rdatatype, dns.tokenizer, dns.zonefile

class AnyOrigin(dns.name.Name):
    # Compares equal to every name: dnspython refuses an SOA whose owner is not the
    # reader's origin, but these files may hold several zones.
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = dns.name.Name.__hash__

class Txn(dns.zonefile.RRsetsReaderTransaction):
    def _origin_information(self):
        return (dns.name.root, False, AnyOrigin(()))

class Manager(dns.zonefile.RRSetsReaderManager):
    def writer(self, replacement=False):
        return Txn(self, True, False)

def read_rrsets(text, path):
    # dnspython's read_rrsets() with $ORIGIN/$TTL allowed: owner names may lie anywhere.
    manager = Manager(dns.name.root, False, dns.rdataclass.IN)
    with manager.writer(True) as txn:
        tok = dns.tokenizer.Tokenizer(text, path)
        dns.zonefile.Reader(tok, dns.rdataclass.IN, txn, allow_directives=True,
                            default_ttl=3600).read()  # ldns's default when no $TTL
    return manager.rrsets

def quote(line):
    # unbound.conf single-quoted value; a quote inside TXT data becomes \039.
    return "'" + line.replace("'", "\\039") + "'"

for path in sys.argv[1:]:
    with open(path) as f:
        text = f.read()
    rrsets = read_rrsets(text, path)
    soas = {r.name for r in rrsets if r.rdtype == dns.rdatatype.SOA}
    first = re.search(r"^\$ORIGIN\s+(\S+)", text, re.M)
    apexes = soas or {dns.name.from_text(first.group(1)) if first else dns.name.root}
    for apex in apexes:
        print('local-zone: "%s" static' % apex.to_text())
    lame = {r.name for r in rrsets
            if soas and r.rdtype == dns.rdatatype.NS and r.name not in soas}
    for name in sorted(lame):
        print("LAME %s" % name.to_text())
    for rrset in rrsets:
        if any(rrset.name.is_subdomain(l) for l in lame):
            continue  # hidden by the delegation, as on the real Internet
        for rd in rrset:
            line = "%s %d IN %s %s" % (rrset.name.to_text(), rrset.ttl,
                                       dns.rdatatype.to_text(rrset.rdtype), rd.to_text())
            print("local-data: %s" % quote(line))
PY
}

unbound_start() {
  UNBOUND_DIR=$(mktemp -d /tmp/vouch-unbound.XXXXXX) || return 1
  export UNBOUND_DIR
  local zones dead
  zones=$(_unbound_zone_conf "$@") || { echo "unbound_start: cannot convert zones: $*" >&2; return 1; }
  # Lame delegations point at an address unbound is told never to query: it answers
  # SERVFAIL at once instead of retrying a dead server for many seconds.
  dead=127.0.0.254
  local attempt
  for attempt in 1 2 3; do
    UNBOUND_PORT=$(unbound_free_port)
    export UNBOUND_PORT
    {
      echo "server:"
      echo "  interface: 127.0.0.1"
      echo "  port: $UNBOUND_PORT"
      echo "  do-ip6: no"
      echo "  do-daemonize: no"
      echo "  chroot: \"\""
      echo "  username: \"\""
      echo "  directory: \"$UNBOUND_DIR\""
      echo "  pidfile: \"$UNBOUND_DIR/unbound.pid\""
      echo "  use-syslog: no"
      echo "  logfile: \"$UNBOUND_DIR/unbound.log\""
      echo "  verbosity: 1"
      echo "  num-threads: 1"
      echo "  access-control: 127.0.0.0/8 allow"
      echo "  module-config: \"iterator\""
      echo "  do-not-query-localhost: no"
      echo "  qname-minimisation: no"
      echo "  infra-host-ttl: 5"
      echo "  do-not-query-address: $dead"
      # Special-use zones unbound answers itself; tests use these names.
      local special
      for special in test. invalid. 2.0.192.in-addr.arpa. 100.51.198.in-addr.arpa. \
                     113.0.203.in-addr.arpa. 8.b.d.0.1.0.0.2.ip6.arpa.; do
        echo "  local-zone: \"$special\" nodefault"
      done
      # Closed world: nothing ever leaves loopback.
      echo "$zones" | grep -q '^local-zone: "\." ' || echo '  local-zone: "." static'
      echo "$zones" | grep -v '^LAME ' | sed 's/^/  /'
      local lame stub
      for lame in $(echo "$zones" | sed -n 's/^LAME //p' | sort -u); do
        echo "  local-zone: \"$lame\" transparent"
      done
      for stub in "${_unbound_stubs[@]}"; do
        echo "  local-zone: \"${stub%% *}\" transparent"
      done
      [ -n "${UNBOUND_EXTRA_CONF:-}" ] && echo "$UNBOUND_EXTRA_CONF"
      echo "remote-control:"
      echo "  control-enable: no"
      for lame in $(echo "$zones" | sed -n 's/^LAME //p' | sort -u); do
        printf 'stub-zone:\n  name: "%s"\n  stub-addr: %s\n' "$lame" "$dead"
      done
      for stub in "${_unbound_stubs[@]}"; do
        printf 'stub-zone:\n  name: "%s"\n  stub-addr: %s\n' "${stub%% *}" "${stub#* }"
      done
    } >"$UNBOUND_DIR/unbound.conf"
    "$UNBOUND_BIN" -c "$UNBOUND_DIR/unbound.conf" -d >"$UNBOUND_DIR/stdout.log" 2>&1 &
    UNBOUND_PID=$!
    export UNBOUND_PID
    if _unbound_wait_ready; then return 0; fi
    unbound_stop_process
  done
  echo "unbound_start: unbound did not start; config and log follow" >&2
  cat "$UNBOUND_DIR/unbound.conf" "$UNBOUND_DIR/unbound.log" "$UNBOUND_DIR/stdout.log" >&2 2>/dev/null
  return 1
}

# Polls (bounded, about 10 s) until the server answers any query over UDP.
_unbound_wait_ready() {
  "$UNBOUND_PY" - "$UNBOUND_PORT" "$UNBOUND_PID" <<'PY'
import os, sys, time
import dns.message, dns.query
port, pid = int(sys.argv[1]), int(sys.argv[2])
q = dns.message.make_query("ready.invalid.", "A")
for _ in range(100):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)
    try:
        dns.query.udp(q, "127.0.0.1", port=port, timeout=0.1)
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
}

unbound_stop_process() {
  if [ -n "${UNBOUND_PID:-}" ] && kill -0 "$UNBOUND_PID" 2>/dev/null; then
    kill "$UNBOUND_PID" 2>/dev/null
    local i
    for i in $(seq 50); do kill -0 "$UNBOUND_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$UNBOUND_PID" 2>/dev/null
    wait "$UNBOUND_PID" 2>/dev/null
  fi
  UNBOUND_PID=
}

unbound_stop() {
  unbound_stop_process
  if [ -n "${UNBOUND_DIR:-}" ] && [ -d "$UNBOUND_DIR" ]; then rm -rf "$UNBOUND_DIR"; fi
  UNBOUND_DIR=
  _unbound_stubs=()
}
