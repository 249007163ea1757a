#!/usr/bin/env python3
"""A hostile POP3/IMAP server: what real servers will not do.

usage: hostile_server.py SCENARIO PORT LOGFILE

Serves one connection on 127.0.0.1:PORT with implicit TLS ($CERT/$KEY),
except the starttls-* scenarios, which speak in clear until STARTTLS.
Every line the client sends is appended to LOGFILE, so that a test can
check what was (not) sent: credentials, DELE, STORE, EXPUNGE.  Prints
"ready" once listening.  The mailbox holds two messages unless the
scenario says otherwise; see SCENARIOS below for what each one does.
"""

import os
import socket
import ssl
import sys
import time

MSG = (b"From: a@example.org\r\nTo: b@example.org\r\n"
       b"Subject: hostile %d\r\nMessage-ID: <%d@hostile>\r\n\r\n"
       b"body of message %d\r\n")

SCENARIOS = {
    # POP3
    "pop3-ok": "a well-behaved server with two messages (the control)",
    "pop3-no-greeting": "TLS, then silence",
    "pop3-drip": "the greeting one byte per second",
    "pop3-huge-line": "a greeting of 1 MB",
    "pop3-endless-line": "a greeting that never ends (bytes until closed)",
    "pop3-nul": "a NUL byte inside the greeting and the RETR status line",
    "pop3-list-negative": "LIST says message 2 has -5 octets",
    "pop3-list-garbage": "LIST says message 2 has 'lots' octets",
    "pop3-list-lying": "LIST says 10 octets, RETR sends 200 KB",
    "pop3-uidl-dup": "UIDL gives both messages the same UID",
    "pop3-uidl-empty": "UIDL gives message 2 an empty UID",
    "pop3-list-endless": "a LIST reply that never ends (message numbers "
                         "counting up until closed)",
    "pop3-list-stall": "a LIST reply that stops without its final dot",
    "pop3-drop": "the connection closes in the middle of message 2",
    "pop3-body-drip": "message 2 one byte per second",
    "pop3-body-nul": "message 1 has NUL bytes in its body",
    "pop3-sizes-huge": "LIST says both messages have LLONG_MAX octets",
    "pop3-drop-after-1": "3 messages; the connection closes when RETR 2 "
                         "comes (first connection; a second one is served "
                         "normally)",
    "pop3-stall-after-1": "3 messages; silence after RETR 2 until the "
                          "client hangs up (then a second connection is "
                          "served normally)",
    "pop3-list-million": "a maildrop of 1000000 messages (STAT, LIST, UIDL "
                         "only: for pullmail -c)",
    "pop3-err-escape": "a greeting and a -ERR to PASS with ESC, a bare CR, "
                       "DEL and other controls in them",
    # IMAP
    "imap-ok": "a well-behaved server with two messages (the control)",
    "imap-no-greeting": "TLS, then silence",
    "imap-logindisabled": "CAPABILITY says LOGINDISABLED and offers no AUTH",
    "imap-literal-huge": "a FETCH literal announced as {999999999999}",
    "imap-literal-short": "a FETCH literal announced larger than sent, "
                          "then the connection closes",
    "imap-untagged-flood": "100000 untagged responses before SELECT's OK",
    "imap-size-negative": "RFC822.SIZE -1 for message 2",
    "imap-size-garbage": "RFC822.SIZE x1 for message 2",
    "imap-uid-dup": "SEARCH and FETCH give UID 7 twice",
    "imap-prune-refused": "UID SEARCH ALL (not the search for new mail) "
                          "is answered NO",
    "imap-uid-missing": "a FETCH response without its UID",
    "imap-endless-line": "a tagged reply that never ends",
    "imap-nul": "a NUL byte inside the SELECT reply",
    "imap-fetch-wrong": "UID FETCH of one message answers another's body",
    "imap-search-repeat": "UID SEARCH answered with 15 lines of "
                          "'* SEARCH 1 1 1 ...' (about 960 KB)",
    "imap-search-huge": "UID SEARCH lists 1008000 different UIDs",
    "imap-literal-discard-huge": "a FETCH response with a second literal "
                                 "of 999999999999 bytes, not a body",
    "imap-drop-after-1": "3 messages; the connection closes after the "
                         "first body (first connection; a second one is "
                         "served normally)",
    # STARTTLS (clear text until then)
    "starttls-caps-change": "before TLS: AUTH=PLAIN; after: LOGINDISABLED",
    "starttls-pop3-caps-change": "before STLS: USER; after: no USER, no SASL",
}
# Review 2026-12, findings 5 and 9 (see serve_tls_review below).
SCENARIOS.update({
    "pop3-handshake-drip": "the server's TLS handshake bytes one per second",
    "starttls-pop3-apop": "an APOP <timestamp> in the plain-text greeting, "
                          "STLS, then APOP accepted",
    "imap-literal-drip": "message 2's FETCH literal one byte per second",
})
# The one timeout budget (conn.c): line ends and untagged lines do not
# renew it; PM_PROGRESS_BYTES (64 KiB) do.
SCENARIOS.update({
    "pop3-lf-drip": "message 2's header, then a bare LF a second",
    "imap-untagged-drip": "'* OK still here N' a second after SELECT",
    "pop3-body-steady": "message 2 is 384 KiB, 16 KiB every half second "
                        "(slow but steady: longer than the timeout)",
    "pop3-many-slow": "100 messages, each RETR answered after 0.1 s",
})
# Issue 23, hooks: text a shell would run, should any reach one.  Each
# piece creates $HOSTILE_MARK.<what> if executed.
SCENARIOS.update({
    "pop3-shell": "shell syntax ($(...), backticks, ;, |, &&, a bare CR) "
                  "in the greeting, UIDL, CAPA, the RETR status line and "
                  "the messages' Subject and From",
    "pop3-shell-err": "the greeting and the -ERR to PASS full of shell "
                      "syntax",
})


def shell_text(what):
    """Shell syntax that creates $HOSTILE_MARK.<what>.* when run."""
    m = os.environ.get("HOSTILE_MARK", "/tmp/pullmail-pwned").encode()
    w = what.encode()
    return (b"$(touch %s.%s.cmdsub) `touch %s.%s.backtick` ; touch %s.%s.semi"
            b" | touch %s.%s.pipe && touch %s.%s.and \rtouch %s.%s.cr" %
            (m, w, m, w, m, w, m, w, m, w, m, w))


# Which connection this is (0 for the first): the *-after-1 scenarios
# break the first one only, so that the next poll can be checked.
CONN_NO = 0


def connections(sc):
    """How many connections a scenario serves, one after the other."""
    return 2 if sc.endswith("-after-1") else 1


def nmsgs(sc):
    """Messages in the mailbox."""
    if sc == "pop3-list-million":
        return 1000000
    if sc == "pop3-many-slow":
        return 100
    return 3 if sc.endswith("-after-1") else 2


def uid_in_set(uid, uidset):
    """Is uid in an IMAP sequence set such as b"7:9,12"?"""
    for part in uidset.split(b","):
        lo, _, hi = part.partition(b":")
        lo = int(lo)
        hi = int(hi) if hi else lo
        if min(lo, hi) <= uid <= max(lo, hi):
            return True
    return False


def core_pop3_retr(c, sc, arg):
    """The cut-short scenarios; True when RETR was handled here."""
    if CONN_NO != 0 or arg != 2:
        return False
    if sc == "pop3-drop-after-1":
        raise EOFError
    if sc == "pop3-stall-after-1":
        while c.sock.recv(4096):	# until the client gives up
            pass
        raise EOFError
    return False


def core_search_reply(sc, uids):
    """The untagged SEARCH lines of the scenario."""
    if sc == "imap-search-repeat":
        line = b"* SEARCH " + b" ".join([b"1"] * 32000) + b"\r\n"
        return line * 15 + b"* SEARCH %s\r\n" % uids
    if sc == "imap-search-huge":
        return b"".join(b"* SEARCH " +
                        b" ".join(b"%d" % u for u in range(k, k + 8000)) +
                        b"\r\n" for k in range(1, 1000002, 8000))
    return b"* SEARCH %s\r\n" % uids


class Conn:
    def __init__(self, sock, log):
        self.sock = sock
        self.log = log
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        self.log.write(line + b"\n")
        self.log.flush()
        return line.rstrip(b"\r")

    def starttls(self, ctx):
        self.sock = ctx.wrap_socket(self.sock, server_side=True)
        self.buf = b""


def endless(c, prefix):
    c.send(prefix)
    chunk = b"x" * 65536
    while True:
        c.send(chunk)


def pop3_list(sc, n):
    size = len(pop3_body(sc, n) if sc == "pop3-shell" else MSG % (n, n, n))
    if n == 2 and sc == "pop3-list-negative":
        return b"2 -5"
    if n == 2 and sc == "pop3-list-garbage":
        return b"2 lots"
    if n == 1 and sc == "pop3-list-lying":
        return b"1 10"
    if sc == "pop3-sizes-huge":
        return b"%d 9223372036854775807" % n
    return b"%d %d" % (n, size)


def pop3_uidl(sc, n):
    if sc == "pop3-shell":
        m = os.environ.get("HOSTILE_MARK", "/tmp/pullmail-pwned").encode()
        return b"%d $(touch${IFS}%s.uidl.%d)`touch${IFS}%s.uidl2.%d`" % (
            n, m, n, m, n)
    if sc == "pop3-uidl-dup":
        return b"%d same-uid" % n
    if sc == "pop3-uidl-empty" and n == 2:
        return b"2 "
    return b"%d uid-%d" % (n, n)


def pop3_body(sc, n):
    body = MSG % (n, n, n)
    if sc == "pop3-list-lying" and n == 1:
        body += b"padding padding padding padding\r\n" * 6000
    if sc == "pop3-body-nul" and n == 1:
        body += b"a NUL \x00 here\r\n"
    if sc == "pop3-shell":
        t = shell_text("mail%d" % n).replace(b"\r", b"")
        m = os.environ.get("HOSTILE_MARK", "/tmp/pullmail-pwned").encode()
        body = (b"Return-Path: <`touch${IFS}%s.path`@example.org>\r\n" % m +
                b"From: " + t + b" <a@example.org>\r\nTo: b@example.org\r\n"
                b"Subject: " + t + b"\r\n " +
                shell_text("fold%d" % n).replace(b"\r", b"") + b"\r\n"
                b"Message-ID: <%d@hostile>\r\n\r\nbody of message %d\r\n" %
                (n, n))
    return body


def serve_pop3(c, sc, ctx):
    if sc == "pop3-no-greeting":
        time.sleep(120)
        return
    if sc == "pop3-drip":
        for b in b"+OK hostile\r\n":
            c.send(bytes([b]))
            time.sleep(1)
    elif sc == "pop3-huge-line":
        c.send(b"+OK " + b"x" * (1 << 20) + b"\r\n")
    elif sc == "pop3-endless-line":
        endless(c, b"+OK ")
    elif sc == "pop3-nul":
        c.send(b"+OK hostile \x00 greeting\r\n")
    elif sc == "starttls-pop3-caps-change":
        c.send(b"+OK clear\r\n")
    elif sc == "pop3-err-escape":
        c.send(b"+OK hostile \x1b[2J\x1b]0;title\x07 greeting\r\n")
    elif sc in ("pop3-shell", "pop3-shell-err"):
        c.send(b"+OK " + shell_text("greeting") + b"\r\n")
    else:
        c.send(b"+OK hostile\r\n")
    tls = sc != "starttls-pop3-caps-change"
    while True:
        words = c.line().split(b" ")
        cmd = words[0].upper()
        arg = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        if cmd == b"CAPA":
            caps = b"UIDL\r\n"
            if sc == "starttls-pop3-caps-change":
                caps += b"USER\r\nSTLS\r\n" if not tls else b""
            else:
                caps += b"USER\r\n"
            if sc == "pop3-shell":
                caps += b"X-" + shell_text("capa") + b"\r\n"
            c.send(b"+OK\r\n" + caps + b".\r\n")
        elif cmd == b"STLS" and not tls:
            c.send(b"+OK go\r\n")
            c.starttls(ctx)
            tls = True
        elif cmd == b"PASS" and sc == "pop3-shell-err":
            c.send(b"-ERR [AUTH] " + shell_text("err") + b"\r\n")
        elif cmd == b"PASS" and sc == "pop3-err-escape":
            c.send(b"-ERR no\x1b[2J such\rpullmail: forged line\x7f "
                   b"\x08user\r\n")
        elif cmd in (b"USER", b"PASS"):
            c.send(b"+OK\r\n")
        elif cmd == b"STAT":
            c.send(b"+OK %d %d\r\n" % (nmsgs(sc),
                                         nmsgs(sc) * len(MSG % (1, 1, 1))))
        elif cmd == b"LIST":
            if sc == "pop3-list-endless":
                c.send(b"+OK\r\n")
                n = 0
                while True:
                    c.send(b"".join(b"%d 100\r\n" % (n + i + 1)
                                    for i in range(4096)))
                    n += 4096
            c.send(b"+OK\r\n")
            for k in range(1, nmsgs(sc) + 1, 65536):
                c.send(b"".join(pop3_list(sc, n) + b"\r\n"
                                for n in range(k, min(k + 65536,
                                                      nmsgs(sc) + 1))))
            if sc == "pop3-list-stall":
                time.sleep(120)
                return
            c.send(b".\r\n")
        elif cmd == b"UIDL":
            c.send(b"+OK\r\n")
            for k in range(1, nmsgs(sc) + 1, 65536):
                c.send(b"".join(pop3_uidl(sc, n) + b"\r\n"
                                for n in range(k, min(k + 65536,
                                                      nmsgs(sc) + 1))))
            c.send(b".\r\n")
        elif cmd in (b"RETR", b"TOP"):
            if core_pop3_retr(c, sc, arg):
                return
            body = pop3_body(sc, arg)
            if sc == "pop3-body-drip" and arg == 2:
                c.send(b"+OK\r\n")
                for b in body:
                    c.send(bytes([b]))
                    time.sleep(1)
                return
            if sc == "pop3-lf-drip" and arg == 2:
                c.send(b"+OK\r\n" + body[:body.index(b"\r\n\r\n") + 2])
                for _ in range(60):
                    c.send(b"\n")
                    time.sleep(1)
                return
            if sc == "pop3-many-slow":
                time.sleep(0.1)
            if sc == "pop3-body-steady" and arg == 2:
                c.send(b"+OK\r\n" + body)
                for _ in range(24):
                    time.sleep(0.5)
                    c.send((b"x" * 1022 + b"\r\n") * 16)
                c.send(b".\r\n")
                continue
            if sc == "pop3-drop" and arg == 2:
                c.send(b"+OK\r\n" + body[:len(body) // 2])
                return
            status = b"+OK \x00 nul\r\n" if sc == "pop3-nul" else b"+OK\r\n"
            if sc == "pop3-shell":
                status = b"+OK " + shell_text("retr%d" % arg) + b"\r\n"
            c.send(status + body + b".\r\n")
        elif cmd == b"DELE":
            c.send(b"+OK deleted\r\n")
        elif cmd == b"QUIT":
            c.send(b"+OK bye\r\n")
            return
        else:
            c.send(b"-ERR unknown\r\n")


def imap_uids(sc):
    if sc == "imap-search-repeat":
        return [1, 2]
    if sc.endswith("-after-1"):
        return [7, 8, 9]
    return [7, 7] if sc == "imap-uid-dup" else [7, 8]


def imap_fetch(c, sc, tag, args):
    """UID FETCH: sizes for a set, or bodies."""
    uids = imap_uids(sc)
    want_body = b"BODY" in args.upper()
    for i, uid in enumerate(uids):
        n = i + 1
        body = MSG % (n, n, n)
        if not want_body:
            size = b"%d" % len(body)
            if n == 2 and sc == "imap-size-negative":
                size = b"-1"
            if n == 2 and sc == "imap-size-garbage":
                size = b"x1"
            if n == 2 and sc == "imap-uid-missing":
                c.send(b"* %d FETCH (RFC822.SIZE %s FLAGS ())\r\n" %
                       (n, size))
                continue
            c.send(b"* %d FETCH (UID %d RFC822.SIZE %s FLAGS ())\r\n" %
                   (n, uid, size))
            continue
        if not uid_in_set(uid, args.split(b" ")[0]):
            continue
        if sc == "imap-literal-drip" and n == 2:
            return drip_literal(c, n, uid, body)
        if sc == "imap-literal-huge":
            c.send(b"* %d FETCH (UID %d BODY[] {999999999999}\r\n" %
                   (n, uid))
            c.send(body)
            time.sleep(120)
            return False
        if sc == "imap-literal-short":
            c.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" %
                   (n, uid, len(body) + 5000) + body)
            return False
        if sc == "imap-literal-discard-huge":
            c.send(b"* %d FETCH (UID %d BODY[HEADER] {5}\r\nhello "
                   b"X-JUNK {999999999999}\r\n" % (n, uid))
            while c.sock.recv(4096):	# until the client gives up
                pass
            return False
        if sc == "imap-fetch-wrong":
            other = MSG % (3 - n, 3 - n, 3 - n)
            c.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" %
                   (n, uids[1 - i], len(other)) + other + b")\r\n")
            continue
        c.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" %
               (n, uid, len(body)) + body + b")\r\n")
        if sc == "imap-drop-after-1" and CONN_NO == 0:
            return False
    c.send(b"%s OK done\r\n" % tag)
    return True


def serve_imap(c, sc, ctx):
    if sc == "imap-no-greeting":
        time.sleep(120)
        return
    tls = sc != "starttls-caps-change"
    if tls:
        caps = b"IMAP4rev1 UIDPLUS"
        if sc == "imap-logindisabled":
            caps += b" LOGINDISABLED"
    else:
        caps = b"IMAP4rev1 STARTTLS AUTH=PLAIN"
    c.send(b"* OK [CAPABILITY %s] hostile\r\n" % caps)
    while True:
        words = c.line().split(b" ", 2)
        if len(words) < 2:
            continue
        tag, cmd = words[0], words[1].upper()
        rest = words[2] if len(words) > 2 else b""
        if cmd == b"CAPABILITY":
            c.send(b"* CAPABILITY %s\r\n%s OK\r\n" % (caps, tag))
        elif cmd == b"STARTTLS" and not tls:
            c.send(b"%s OK go\r\n" % tag)
            c.starttls(ctx)
            tls = True
            caps = b"IMAP4rev1 LOGINDISABLED"
        elif cmd in (b"LOGIN", b"AUTHENTICATE"):
            c.send(b"%s OK [CAPABILITY IMAP4rev1 UIDPLUS] in\r\n" % tag)
        elif cmd in (b"SELECT", b"EXAMINE"):
            if sc == "imap-untagged-flood":
                c.send(b"* OK [ALERT] noise\r\n" * 100000)
            if sc == "imap-untagged-drip":
                for i in range(60):
                    c.send(b"* OK still here %d\r\n" % i)
                    time.sleep(1)
            if sc == "imap-endless-line":
                endless(c, b"%s OK [READ-WRITE] " % tag)
            nul = b"\x00" if sc == "imap-nul" else b""
            c.send(b"* 2 EXISTS\r\n* OK [UIDVALIDITY 42] v\r\n"
                   b"* OK [UIDNEXT 9] n%s\r\n%s OK [READ-WRITE] sel\r\n" %
                   (nul, tag))
        elif cmd == b"UID":
            sub = rest.split(b" ", 1)
            what = sub[0].upper()
            args = sub[1] if len(sub) > 1 else b""
            if what == b"SEARCH":
                # Everything is new: "SEEN UNDELETED" finds nothing.
                uids = b" ".join(b"%d" % u for u in imap_uids(sc))
                if args.upper().startswith(b"SEEN"):
                    uids = b""
                if sc == "imap-prune-refused" and \
                        args.upper().startswith(b"ALL"):
                    c.send(b"%s NO [LIMIT] too expensive\r\n" % tag)
                    continue
                c.send(core_search_reply(sc, uids) + b"%s OK\r\n" % tag)
            elif what == b"FETCH":
                if not imap_fetch(c, sc, tag, args):
                    return
            else:
                c.send(b"%s OK\r\n" % tag)
        elif cmd == b"SEARCH":
            c.send(b"* SEARCH 1 2\r\n%s OK\r\n" % tag)
        elif cmd == b"LOGOUT":
            c.send(b"* BYE\r\n%s OK bye\r\n" % tag)
            return
        else:
            c.send(b"%s OK\r\n" % tag)


def drip_handshake(sock):
    """pop3-handshake-drip: a TLS handshake whose server bytes come one
    per second (a relay or MITM slowing it down), through memory BIOs."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(inc, out, server_side=True)
    while True:
        try:
            tls.do_handshake()
            return
        except ssl.SSLWantReadError:
            pass
        for b in out.read():
            sock.send(bytes([b]))
            time.sleep(1)
        data = sock.recv(65536)
        if not data:
            raise EOFError
        inc.write(data)


def drip_literal(c, n, uid, body):
    """imap-literal-drip: an honest literal header, then a byte a second."""
    c.send(b"* %d FETCH (UID %d BODY[] {%d}\r\n" % (n, uid, len(body)))
    for b in body:
        c.send(bytes([b]))
        time.sleep(1)
    return False


def serve_tls_review(conn, sc, ctx, log):
    """The scenarios of the December 2026 review's TLS findings."""
    if sc == "pop3-handshake-drip":
        drip_handshake(conn)
        return
    # starttls-pop3-apop: the timestamp is heard before TLS only.
    c = Conn(conn, log)
    c.send(b"+OK clear <1896.697170952@hostile>\r\n")
    tls = False
    while True:
        words = c.line().split(b" ")
        cmd = words[0].upper()
        arg = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
        if cmd == b"CAPA":
            c.send(b"+OK\r\nUIDL\r\nUSER\r\n%s.\r\n" %
                   (b"" if tls else b"STLS\r\n"))
        elif cmd == b"STLS" and not tls:
            c.send(b"+OK go\r\n")
            c.starttls(ctx)
            tls = True
        elif cmd in (b"APOP", b"USER", b"PASS", b"DELE"):
            c.send(b"+OK\r\n")
        elif cmd == b"STAT":
            c.send(b"+OK 2 %d\r\n" % (2 * len(MSG % (1, 1, 1))))
        elif cmd == b"LIST":
            c.send(b"+OK\r\n" + pop3_list(sc, 1) + b"\r\n" +
                   pop3_list(sc, 2) + b"\r\n.\r\n")
        elif cmd == b"UIDL":
            c.send(b"+OK\r\n" + pop3_uidl(sc, 1) + b"\r\n" +
                   pop3_uidl(sc, 2) + b"\r\n.\r\n")
        elif cmd in (b"RETR", b"TOP"):
            c.send(b"+OK\r\n" + pop3_body(sc, arg) + b".\r\n")
        elif cmd == b"QUIT":
            c.send(b"+OK bye\r\n")
            return
        else:
            c.send(b"-ERR unknown\r\n")


def main():
    sc, port, logpath = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if sc not in SCENARIOS:
        sys.exit("unknown scenario " + sc)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(4)
    print("ready", flush=True)
    global CONN_NO
    for CONN_NO in range(connections(sc)):
        serve_one(srv, sc, ctx, logpath)


def serve_one(srv, sc, ctx, logpath):
    conn, _ = srv.accept()
    conn.settimeout(150)
    log = open(logpath, "ab")
    try:
        if sc in ("pop3-handshake-drip", "starttls-pop3-apop"):
            serve_tls_review(conn, sc, ctx, log)
        else:
            if not sc.startswith("starttls"):
                conn = ctx.wrap_socket(conn, server_side=True)
            c = Conn(conn, log)
            if sc.startswith("pop3") or sc == "starttls-pop3-caps-change":
                serve_pop3(c, sc, ctx)
            else:
                serve_imap(c, sc, ctx)
    except (OSError, EOFError, ssl.SSLError):
        pass
    log.write(b"# closed\n")
    log.close()
    conn.close()


if __name__ == "__main__":
    main()
