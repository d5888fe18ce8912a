# A misbehaving DNS server for the fault tests: UDP (and TCP, for truncation retries) on
# 127.0.0.1 only. Modes: ok (real answers, the control case), garbage (random bytes),
# truncated (TC bit, no records; TCP closes at once), cut (a real answer cut in half),
# slow (a real answer after SLOW_S seconds), wrongid (real answer, other query id),
# servfail. Writes the port it bound to PORTFILE. Trusts nothing it receives; runs until
# killed; each reply is bounded to one datagram.
import os
import socket
import sys
import threading

import dns.message
import dns.rcode
import dns.rrset
import dns.flags

mode, portfile = sys.argv[1], sys.argv[2]
SLOW_S = 3.0
ZONE = {
    ("example.com.", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 -all"'],
    ("_dmarc.example.com.", "TXT"): ['"v=DMARC1; p=reject"'],
    ("mail.example.com.", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 -all"'],
}


def answer(wire):
    q = dns.message.from_wire(wire)
    r = dns.message.make_response(q)
    qn = q.question[0]
    key = (qn.name.to_text().lower(), dns.rdatatype.to_text(qn.rdtype))
    if key in ZONE:
        r.answer.append(dns.rrset.from_text(qn.name, 60, "IN", key[1], *ZONE[key]))
    elif not any(k[0] == key[0] for k in ZONE):
        r.set_rcode(dns.rcode.NXDOMAIN)
    return r


def reply(wire):
    try:
        r = answer(wire)
    except Exception:
        return None
    if mode == "garbage":
        return os.urandom(5 + wire[0] % 200)
    if mode == "truncated":
        r.answer = []
        r.flags |= dns.flags.TC
        return r.to_wire()
    if mode == "cut":
        w = r.to_wire()
        return w[: max(3, len(w) // 2)]
    if mode == "wrongid":
        r.id = (r.id + 1) % 65536
        return r.to_wire()
    if mode == "servfail":
        r.answer = []
        r.set_rcode(dns.rcode.SERVFAIL)
        return r.to_wire()
    return r.to_wire()


def serve_udp(sock):
    while True:
        wire, peer = sock.recvfrom(4096)
        out = reply(wire)
        if out is None:
            continue
        if mode == "slow":
            threading.Timer(SLOW_S, sock.sendto, (out, peer)).start()
        else:
            sock.sendto(out, peer)


def serve_tcp(sock):
    while True:
        conn, _ = sock.accept()
        conn.close()  # truncation retries over TCP find a server that hangs up


# UDP and TCP on the same port: the UDP port is free, the same TCP port may not be (other
# tests run alongside), so try a bounded number of ports.
for attempt in range(50):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        tcp.bind(("127.0.0.1", port))
        break
    except OSError:
        tcp.close()
        udp.close()
else:
    sys.exit("dns_server: no port free for both UDP and TCP")
tcp.listen(16)
threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
with open(portfile + ".tmp", "w") as f:
    f.write(str(port))
os.rename(portfile + ".tmp", portfile)
serve_udp(udp)
