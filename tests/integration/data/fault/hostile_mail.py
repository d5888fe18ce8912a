# Writes the hostile messages of the fault tests into a folder (argument 1), using the
# bench's signed message (argument 2) for the DKIM cases: 10,000 headers, a 100 KB
# header, lines past 998 bytes, NUL bytes, non-UTF-8 with bare LF, 50 DKIM signatures,
# a 50 MB body. Deterministic; writes only inside the given folder.
import os
import sys

out, signed = sys.argv[1], sys.argv[2]
base = (b"From: User <user@bench.example>\r\nTo: rcpt@example.net\r\nSubject: hostile\r\n"
        b"Date: Fri, 27 Nov 2026 12:00:00 +0000\r\nMessage-ID: <h@fault.test>\r\n")


def write(name, data):
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data)


write("headers10000", base + b"".join(b"X-Filler: v%d\r\n" % i for i in range(10000)) + b"\r\nbody\r\n")
write("header100k", base + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\nbody\r\n")
write("longlines", base + b"X-Long: " + b"b" * 2000 + b"\r\n\r\n" + b"c" * 5000 + b"\r\n")
write("nul", base + b"X-Nul: a\0b\r\n\r\na\0b\0\r\n")
write("nonutf8_barelf", base.replace(b"\r\n", b"\n") + b"X-Latin: caf\xe9\xff\xfe\n\nline1\nline2\r\n\xff\n")
raw = open(signed, "rb").read()
head, sep, body = raw.partition(b"\r\n\r\n")
if not sep:
    head, sep, body = raw.partition(b"\n\n")
lines = head.split(sep[: len(sep) // 2])
sig, rest, cur = [], [], None
for line in lines:
    if line[:1] in (b" ", b"\t") and cur is not None:
        cur.append(line)
        continue
    cur = sig if line.lower().startswith(b"dkim-signature:") else rest
    cur.append(line)
nl = sep[: len(sep) // 2]
write("dkim50", nl.join(sig * 50 + rest) + sep + body)
with open(os.path.join(out, "body50m.eml"), "wb") as f:
    f.write(base + b"\r\n")
    line = b"y" * 78 + b"\r\n"
    block = line * 12800  # 1 MB
    for _ in range(50):
        f.write(block)
