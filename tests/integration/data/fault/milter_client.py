# A small milter-protocol (version 6) client for the fault tests, speaking to the
# daemon the way Postfix does, with the misbehaviours Postfix can show: a connection
# dropped mid-message, an abort after the headers, a second message after an abort,
# many connections held open. Loopback only; every read has a socket timeout; trusts
# nothing it reads (a malformed reply raises ProtocolError).
import socket
import struct

SMFIP = {
    "NOCONNECT": 0x1, "NOHELO": 0x2, "NOMAIL": 0x4, "NORCPT": 0x8, "NOBODY": 0x10,
    "NOHDRS": 0x20, "NOEOH": 0x40, "NR_HDR": 0x80, "NOUNKNOWN": 0x100, "NODATA": 0x200,
    "NR_CONN": 0x1000, "NR_HELO": 0x2000, "NR_MAIL": 0x4000, "NR_RCPT": 0x8000,
    "NR_DATA": 0x10000, "NR_EOH": 0x40000, "NR_BODY": 0x80000, "LEADSPC": 0x100000,
}
FINALS = set(b"actrdy")


class ProtocolError(Exception):
    pass


class Milter:
    def __init__(self, port, timeout=60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.edits = []
        self.send(b"O", struct.pack("!III", 6, 0x1FF, 0x1FFFFF))
        cmd, data = self.recv()
        if cmd != ord("O") or len(data) < 12:
            raise ProtocolError("bad option negotiation reply %r" % cmd)
        self.prot = struct.unpack("!I", data[8:12])[0]

    def send(self, cmd, data=b""):
        self.sock.sendall(struct.pack("!I", len(data) + 1) + cmd + data)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ProtocolError("connection closed by the milter")
            buf += chunk
        return buf

    def recv(self):
        (n,) = struct.unpack("!I", self._read(4))
        if n < 1 or n > 1 << 24:
            raise ProtocolError("reply length %d" % n)
        data = self._read(n)
        return data[0], data[1:]

    def step(self, cmd, data, nosend, noreply):
        """Sends a stage unless negotiated away; returns the reply letter ('c' if none)."""
        if self.prot & SMFIP[nosend]:
            return "c"
        self.send(cmd, data)
        if self.prot & SMFIP[noreply]:
            return "c"
        while True:
            r, _ = self.recv()
            if r != ord("p"):
                return chr(r)

    def macro(self, stage, pairs):
        self.send(b"D", stage + b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in pairs))

    def connect(self, ip="192.0.2.10", helo="mail.bench.example"):
        self.macro(b"C", [("j", "mx.fault.test"), ("{daemon_name}", "smtpd")])
        r = self.step(b"C", b"client.example.org\0" + b"4" + struct.pack("!H", 25) + ip.encode() + b"\0",
                      "NOCONNECT", "NR_CONN")
        if r != "c":
            return r
        return self.step(b"H", helo.encode() + b"\0", "NOHELO", "NR_HELO")

    def envelope(self, mail_from="<user@bench.example>", rcpt="<rcpt@example.net>", qid="FAULT1"):
        self.macro(b"M", [("{mail_addr}", mail_from)])
        r = self.step(b"M", mail_from.encode() + b"\0", "NOMAIL", "NR_MAIL")
        if r != "c":
            return r
        r = self.step(b"R", rcpt.encode() + b"\0", "NORCPT", "NR_RCPT")
        if r != "c":
            return r
        self.macro(b"T", [("i", qid)])
        return self.step(b"T", b"", "NODATA", "NR_DATA")

    def headers(self, headers):
        """headers: list of (name bytes, value bytes without the leading space)."""
        for name, value in headers:
            if self.prot & SMFIP["LEADSPC"]:
                value = b" " + value
            r = self.step(b"L", name + b"\0" + value + b"\0", "NOHDRS", "NR_HDR")
            if r != "c":
                return r
        return self.step(b"N", b"", "NOEOH", "NR_EOH")

    def body(self, body, chunk=65535):
        for off in range(0, len(body), chunk):
            r = self.step(b"B", body[off:off + chunk], "NOBODY", "NR_BODY")
            if r != "c":
                return r
        return "c"

    def end(self):
        """End of message: returns (final letter, reply text, [edits])."""
        self.send(b"E")
        self.edits = []
        while True:
            r, data = self.recv()
            if r in FINALS:
                return chr(r), data.rstrip(b"\0").decode("latin-1"), self.edits
            if r != ord("p"):
                self.edits.append((chr(r), data))

    def message(self, headers, body, **env):
        """A whole message; returns (final letter, reply text, edits)."""
        r = self.envelope(**env)
        if r != "c":
            self.send(b"A")
            return r, "", []
        r = self.headers(headers)
        if r == "c":
            r = self.body(body)
        if r not in ("c", "s"):
            self.send(b"A")
            return r, "", []
        return self.end()

    def abort(self):
        self.send(b"A")

    def quit(self):
        try:
            self.send(b"Q")
        finally:
            self.sock.close()

    def drop(self):
        self.sock.close()


def inserted_ar(edits):
    """Values of Authentication-Results headers the milter inserted or added."""
    out = []
    for kind, data in edits:
        if kind == "i":
            data = data[4:]
        if kind in ("i", "h"):
            parts = data.split(b"\0")
            if len(parts) >= 2 and parts[0].lower() == b"authentication-results":
                out.append(parts[1].decode("latin-1"))
    return out


def simple_headers(subject="fault", frm=b"User <user@bench.example>"):
    return [(b"From", frm), (b"To", b"rcpt@example.net"), (b"Subject", subject.encode()),
            (b"Date", b"Fri, 27 Nov 2026 12:00:00 +0000"), (b"Message-ID", b"<%s@fault.test>" % subject.encode())]
