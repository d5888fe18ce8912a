# Milter-side fault scenarios against a running `vouch milter` (port and data folder as
# arguments): dropped connections, aborts, a second message after an abort, hostile
# messages, and N connections held open while others send mail. Prints one "ok:" or
# "FAIL:" line per check and exits 1 on any failure. Loopback only; every socket read
# is bounded by a timeout; nothing here trusts what the daemon sends.
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from milter_client import Milter, ProtocolError, inserted_ar, simple_headers  # noqa: E402

port = int(sys.argv[1])
scenario = sys.argv[2]
bench_data = sys.argv[3] if len(sys.argv) > 3 else ""
fails = 0


def check(cond, what):
    global fails
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        fails += 1


def good_message(m, subject, **env):
    final, text, edits = m.message(simple_headers(subject), b"hello\r\n", **env)
    ars = inserted_ar(edits)
    return final, ars


def load_eml(path):
    raw = open(path, "rb").read().replace(b"\r\n", b"\n")
    head, _, body = raw.partition(b"\n\n")
    headers = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + b"\n" + line)
        elif b":" in line:
            n, _, v = line.partition(b":")
            headers.append((n, v[1:] if v.startswith(b" ") else v))
    return headers, body.replace(b"\n", b"\r\n")


def scenario_protocol():
    # 1. Connection dropped in the middle of the body.
    m = Milter(port)
    m.connect()
    m.envelope(qid="DROP1")
    m.headers(simple_headers("drop"))
    m.body(b"x" * 5000)
    m.drop()
    # 2. Dropped right after the headers, and one dropped before any command.
    m = Milter(port)
    m.connect()
    m.envelope(qid="DROP2")
    m.headers(simple_headers("drop2"))
    m.drop()
    Milter(port).drop()
    # The daemon still answers a whole message on a new connection.
    m = Milter(port)
    m.connect()
    final, ars = good_message(m, "after-drop", qid="AFTER1")
    check(final in ("a", "c") and len(ars) == 1 and "spf=pass" in ars[0] and "dmarc=pass" in ars[0],
          "message after dropped connections: final=%s A-R=%r" % (final, ars))
    m.quit()

    # 3. Abort after the headers, then a second message on the same connection: its A-R
    #    is about the second message only (nothing of the first leaks into it).
    m = Milter(port)
    m.connect()
    m.envelope(mail_from="<spoof@other.example>", qid="ABORT1")
    m.headers(simple_headers("aborted", frm=b"<ceo@other.example>"))
    m.abort()
    final, ars = good_message(m, "second", qid="ABORT2")
    check(final in ("a", "c") and len(ars) == 1 and "other.example" not in ars[0] and "header.from=bench.example" in ars[0],
          "second message after abort after headers: final=%s A-R=%r" % (final, ars))
    # 4. Abort in the middle of the body, then another message, then abort before the
    #    headers: each later message still decided.
    m.envelope(qid="ABORT3")
    m.headers(simple_headers("aborted2"))
    m.body(b"partial body\r\n")
    m.abort()
    final, ars = good_message(m, "third", qid="ABORT4")
    check(final in ("a", "c") and len(ars) == 1 and "spf=pass" in ars[0], "message after abort mid-body: final=%s" % final)
    m.envelope(qid="ABORT5")
    m.abort()
    final, ars = good_message(m, "fourth", qid="ABORT6")
    check(final in ("a", "c") and len(ars) == 1, "message after abort before headers: final=%s" % final)
    m.quit()

    # 5. A spoof of the p=reject domain is still rejected after all that.
    m = Milter(port)
    m.connect(ip="203.0.113.9", helo="spoof.example")
    final, text, _ = m.message(simple_headers("spoof"), b"x\r\n", mail_from="<user@bench.example>", qid="SPOOF")
    check(final in ("y", "r") and (final == "r" or text.startswith("550")),
          "spoof of p=reject domain after faults: final=%s %s" % (final, text))
    m.quit()


def scenario_hostile():
    def run(label, headers, body, want, ar_needed=True):
        try:
            m = Milter(port, timeout=120)
            m.connect()
            final, text, edits = m.message(headers, body, qid="H" + label[:8].upper().replace(" ", ""))
        except (OSError, ProtocolError) as e:
            check(False, "%s: %s" % (label, e))
            return
        ars = inserted_ar(edits)
        ok = final in want and (not ar_needed or len(ars) == 1)
        check(ok, "%s: final=%s %s A-R=%d" % (label, final, text[:60], len(ars)))
        try:
            m.quit()
        except OSError:
            pass

    base = simple_headers("hostile")
    run("10000 headers (past limits.max_headers) -> tempfail per limits.action",
        base + [(b"X-Filler", b"v%d" % i) for i in range(10000)], b"x\r\n", {"t", "y"}, ar_needed=False)
    run("one 100 KB header", base + [(b"X-Big", b"a" * 100_000)], b"x\r\n", {"a", "c"})
    run("header and body lines past 998 bytes", base + [(b"X-Long", b"b" * 2000)], (b"c" * 5000) + b"\r\n", {"a", "c"})
    run("NUL bytes in a header value and the body", base + [(b"X-Nul", b"a\x01b")], b"a\0b\0\r\n", {"a", "c"})
    run("non-UTF-8 and bare LF", base + [(b"X-Latin", b"caf\xe9\xff\xfe")], b"line1\nline2\n\xff\r\n", {"a", "c"})
    if bench_data:
        sig, body = load_eml(os.path.join(bench_data, "signed-rsa2048.eml"))
        dk = [h for h in sig if h[0].lower() == b"dkim-signature"][0]
        rest = [h for h in sig if h[0].lower() != b"dkim-signature"]
        m = Milter(port)
        m.connect()
        final, _, edits = m.message([dk] * 50 + rest, body, qid="H50SIGS")
        ars = inserted_ar(edits)
        check(final in ("a", "c") and len(ars) == 1 and ars[0].count("dkim=pass") == 5 and ars[0].count("dkim=") == 10,
              "50 DKIM signatures: final=%s, %d dkim entries (dkim.max_signatures=5)" % (
                  final, ars[0].count("dkim=") if ars else -1))
        m.quit()
    run("5 MB body", base, (b"y" * 998 + b"\r\n") * 5000, {"a", "c"})


def scenario_hold():
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    phase = sys.argv[5] if len(sys.argv) > 5 else "open"
    held = []
    for _ in range(n):
        m = Milter(port)
        m.connect()
        held.append(m)
    print("held %d connections" % len(held), flush=True)
    # Tell the shell script, then wait for it to finish its load run.
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.readline()
    # Each held connection now sends one message; 25 threads share them (bounded).
    results = [False] * n

    def finish(first):
        for i in range(first, n, 25):
            try:
                final, ars = good_message(held[i], "held%d" % i, qid="HELD%d" % i)
                results[i] = final in ("a", "c") and len(ars) == 1 and "spf=pass" in ars[0]
                held[i].quit()
            except (OSError, ProtocolError) as e:
                print("held connection %d: %s" % (i, e))

    threads = [threading.Thread(target=finish, args=(t,)) for t in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    decided = sum(results)
    check(decided == n, "%d of %d held connections got a decided message afterwards (%s)" % (decided, n, phase))


try:
    {"protocol": scenario_protocol, "hostile": scenario_hostile, "hold": scenario_hold}[scenario]()
except (OSError, ProtocolError) as e:
    check(False, "%s: %s" % (scenario, e))
sys.exit(1 if fails else 0)
