#!/usr/bin/python3
# Independent DKIM signer for vouch's interop test: python3-dkim (dkimpy), run by
# tests/conformance/dkim_interop.cpp as a subprocess with Debian's /usr/bin/python3.
#   dkimpy_sign.py keygen DIR
#       writes DIR/rsa.pem (RSA-2048 PKCS#8), DIR/rsa.p (p= base64 SPKI),
#       DIR/ed.seed (base64 32-byte seed, dkimpy's format), DIR/ed.p (p= raw public key)
#   dkimpy_sign.py sign KEYFILE ALGORITHM CANON SELECTOR DOMAIN IN OUT
#       signs IN (CRLF message) and writes the signature header + message to OUT.
# Exits non-zero with a message on stderr when anything fails; touches only DIR/OUT.
import base64
import sys

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


def keygen(folder):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    ed = ed25519.Ed25519PrivateKey.generate()
    seed = ed.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    pub = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    files = {"rsa.pem": pem, "rsa.p": base64.b64encode(spki),
             "ed.seed": base64.b64encode(seed), "ed.p": base64.b64encode(pub)}
    for name, data in files.items():
        with open(folder + "/" + name, "wb") as f:
            f.write(data)


def sign(keyfile, algorithm, canon, selector, domain, src, dst):
    with open(keyfile, "rb") as f:
        key = f.read().strip()
    with open(src, "rb") as f:
        message = f.read()
    header, body = canon.split("/")
    sig = dkim.sign(message, selector.encode(), domain.encode(), key,
                    canonicalize=(header.encode(), body.encode()),
                    signature_algorithm=algorithm.encode(),
                    include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
    with open(dst, "wb") as f:
        f.write(sig + message)


def main(argv):
    if len(argv) == 3 and argv[1] == "keygen":
        keygen(argv[2])
    elif len(argv) == 9 and argv[1] == "sign":
        sign(*argv[2:])
    else:
        sys.stderr.write("usage: dkimpy_sign.py keygen DIR | sign KEY ALG CANON SEL DOMAIN IN OUT\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
