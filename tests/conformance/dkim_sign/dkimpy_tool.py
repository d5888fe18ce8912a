#!/usr/bin/python3
# The independent DKIM side of vouch's signing interop test (python3-dkim / dkimpy).
#   verify RECORDS.json MSG...   one line per message: "<path> <result> <result> ..."
#                                (one pass/fail per DKIM-Signature, top-down)
#   sign KEY DOMAIN SELECTOR ALG MSG   prints MSG signed by dkimpy (ALG rsa|ed25519;
#                                KEY is PEM for rsa, base64 of the 32-byte seed for ed25519)
# Key records come from RECORDS.json ({"sel._domainkey.dom": "v=DKIM1; ..."}) through
# dkimpy's dnsfunc hook: no DNS is ever queried. Exit 2 on usage errors.
import json
import sys

import dkim


def header_block(msg):
    end = msg.find(b"\r\n\r\n")
    return msg if end < 0 else msg[:end]


def count_signatures(msg):
    lines = header_block(msg).split(b"\r\n")
    return sum(1 for l in lines if l.lower().startswith(b"dkim-signature:"))


def verify(records_path, paths):
    with open(records_path) as f:
        records = {k.lower().rstrip("."): v.encode() for k, v in json.load(f).items()}

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().lower().rstrip("."))

    for path in paths:
        with open(path, "rb") as f:
            msg = f.read()
        results = []
        for i in range(count_signatures(msg)):
            try:
                ok = dkim.DKIM(msg).verify(idx=i, dnsfunc=dnsfunc)
            except Exception:  # a verifier crash is a failed verification here
                ok = False
            results.append("pass" if ok else "fail")
        print(path, *results)


def sign(key_path, domain, selector, alg, msg_path):
    with open(key_path, "rb") as f:
        key = f.read().strip()
    with open(msg_path, "rb") as f:
        msg = f.read()
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    canonicalize=(b"relaxed", b"relaxed"),
                    signature_algorithm=b"rsa-sha256" if alg == "rsa" else b"ed25519-sha256",
                    include_headers=[b"from", b"to", b"subject", b"date"])
    sys.stdout.buffer.write(sig + msg)


def main(argv):
    if len(argv) >= 3 and argv[1] == "verify":
        verify(argv[2], argv[3:])
    elif len(argv) == 7 and argv[1] == "sign":
        sign(*argv[2:7])
    else:
        print(__doc__ or "usage: verify RECORDS MSG... | sign KEY DOMAIN SELECTOR ALG MSG",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
