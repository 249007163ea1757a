#!/usr/bin/env python3
"""A scripted POP3/IMAP server for what real servers will not do.

usage: scripted_server.py MODE PORT LOGFILE

Serves one connection on 127.0.0.1:PORT and appends every line the
client sends to LOGFILE, so a test can check that no credentials left
in the clear.  Modes:
  pop3-inject     STLS go-ahead with a forged reply glued behind it
  imap-inject     STARTTLS go-ahead with a forged reply glued behind it
  imap-preauth    a PREAUTH greeting (no login, no STARTTLS possible)
  pop3-nostls     CAPA without STLS
  pop3-refused    STLS answered with -ERR
  imap-nostarttls CAPABILITY without STARTTLS
  silent          accept, read, never answer (a stalled TLS handshake)
  imaps           implicit TLS with $CERT/$KEY at security level 0 (so
                  weak keys work), an IMAP greeting, then LOGOUT; serves
                  connections until killed
  imaps-old       the same, also accepting TLS 1.0 and 1.1
  pop3-login-err  CAPA without STLS; PASS is answered with $REPLY
  pop3-old        an RFC 1939 server with neither CAPA nor UIDL, two
                  messages; logs DELE and QUIT
  imap-oauth      offers AUTH=XOAUTH2 and AUTH=OAUTHBEARER with SASL-IR;
                  accepts only the initial response whose bytes equal
                  $EXPECT (Python escapes allowed), else sends an error
                  challenge and NO; then an empty INBOX
  pop3-drop       plain POP3 with one message of 36 KB whose RETR stops
                  halfway: the connection is closed mid-message
  smtp-drop       an SMTP server that takes MAIL, RCPT and DATA, reads a
                  few hundred bytes of the message and hangs up
  pop3s-slow      implicit TLS ($CERT/$KEY), many connections at once
                  (serving until killed), each waiting $DELAY seconds
                  before its greeting; an empty mailbox; logs "# login"
                  for every PASS
  smtp-refuse     an SMTP server (serving until killed) that answers the
                  end of DATA of every message with $REPLY, except those
                  from the null sender (bounces), which get $BOUNCE_REPLY
                  (default 250) and are saved in directory $OUT
  imap-scram-plus implicit TLS ($CERT/$KEY, at most TLS 1.2 when
                  $TLSMAX=1.2) offering SCRAM-SHA-256 and -PLUS; checks
                  the proof against $PASS and the channel binding: on
                  TLS 1.2 the tls-unique bytes must match ours (Python's
                  ssl cannot export tls-exporter keys, so on TLS 1.3 only
                  the type and length are checked); logs "# cb: ...";
                  with $NOEMS=1 the server does not negotiate Extended
                  Master Secret
  alpn            ALPN (RFC 7301): $PROTO=imap: implicit TLS IMAP; pop3:
                  POP3 with STLS.  The server knows the ALPN ids in $ALPN
                  (comma-separated) and logs "# alpn: ID" (or "none")
                  with what it selected; LOGIN/USER+PASS accepted, an
                  empty mailbox.  Python's ssl only selects an id the
                  client offered, or none (tests/unit/test_tls.c covers
                  a server that selects another)
"""

import base64
import hashlib
import hmac
import os
import socket
import ssl
import sys


def serve_imaps(srv, old):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    if old:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    while True:
        conn, _ = srv.accept()
        try:
            conn.settimeout(10)
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.sendall(b"* OK [CAPABILITY IMAP4rev1] scripted TLS\r\n")
            for line in tls.makefile("rb"):
                words = line.split()
                if len(words) > 1 and words[1].upper() == b"LOGOUT":
                    tls.sendall(b"* BYE\r\n%s OK bye\r\n" % words[0])
                    break
                if words:
                    tls.sendall(b"%s NO scripted\r\n" % words[0])
            tls.close()
        except (OSError, ssl.SSLError):
            conn.close()


def empty_inbox(sock, tag, cmd):
    """Answer one command after login for an empty INBOX; False at LOGOUT."""
    if cmd == b"SELECT":
        sock.sendall(b"* 0 EXISTS\r\n* OK [UIDVALIDITY 1] x\r\n"
                     b"%s OK [READ-WRITE] selected\r\n" % tag)
    elif cmd == b"UID":
        sock.sendall(b"* SEARCH\r\n%s OK done\r\n" % tag)
    elif cmd == b"LOGOUT":
        sock.sendall(b"* BYE\r\n%s OK bye\r\n" % tag)
        return False
    else:
        sock.sendall(b"%s OK\r\n" % tag)
    return True


def serve_oauth(conn, log):
    expect = os.environ["EXPECT"].encode().decode("unicode_escape").encode()
    conn.sendall(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 "
                 b"AUTH=OAUTHBEARER] scripted\r\n")
    rfile = conn.makefile("rb")
    for line in rfile:
        log.write(line)
        log.flush()
        words = line.split()
        if len(words) < 2:
            continue
        tag, cmd = words[0], words[1].upper()
        if cmd == b"AUTHENTICATE":
            got = base64.b64decode(words[3]) if len(words) > 3 else b""
            log.write(b"# decoded: %r\n" % got)
            log.flush()
            if got == expect:
                conn.sendall(b"%s OK logged in\r\n" % tag)
            else:
                conn.sendall(b"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n")
                log.write(rfile.readline())
                log.flush()
                conn.sendall(b"%s NO [AUTHENTICATIONFAILED] bad token\r\n"
                             % tag)
        elif not empty_inbox(conn, tag, cmd):
            break
    conn.close()


def scram_server(tls, rfile, log, tag, first):
    """One SCRAM-SHA-256(-PLUS) exchange; True when the client proved it."""
    gs2_end = first.index(b",", first.index(b",") + 1) + 1
    gs2, bare = first[:gs2_end], first[gs2_end:]
    attrs = dict(kv.split(b"=", 1) for kv in bare.split(b","))
    nonce = attrs[b"r"] + b"srv0nce"
    salt, iters = b"pullmail-salt", 4096
    server_first = b"r=%s,s=%s,i=%d" % (nonce, base64.b64encode(salt), iters)
    tls.sendall(b"+ " + base64.b64encode(server_first) + b"\r\n")
    final = base64.b64decode(rfile.readline().strip())
    without_proof, proof = final.rsplit(b",p=", 1)
    fattrs = dict(kv.split(b"=", 1) for kv in without_proof.split(b","))
    cbind = base64.b64decode(fattrs[b"c"])
    if gs2.startswith(b"p=tls-unique,"):
        want = gs2 + tls.get_channel_binding("tls-unique")
        verdict = b"tls-unique " + (b"ok" if cbind == want else b"WRONG")
    elif gs2.startswith(b"p=tls-exporter,"):
        verdict = b"tls-exporter %d bytes (unverified)" % (
            len(cbind) - len(gs2))
        if len(cbind) - len(gs2) != 32 or not cbind.startswith(gs2):
            verdict = b"tls-exporter WRONG"
    else:
        verdict = b"none, header " + gs2
        if cbind != gs2:
            verdict += b" WRONG"
    log.write(b"# cb: " + verdict + b"\n")
    log.flush()
    salted = hashlib.pbkdf2_hmac("sha256", os.environ["PASS"].encode(),
                                 salt, iters)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored = hashlib.sha256(client_key).digest()
    auth = bare + b"," + server_first + b"," + without_proof
    sig = hmac.new(stored, auth, "sha256").digest()
    got_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof), sig))
    if got_key != client_key or b"WRONG" in verdict:
        tls.sendall(b"%s NO [AUTHENTICATIONFAILED] no\r\n" % tag)
        return False
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    v = base64.b64encode(hmac.new(server_key, auth, "sha256").digest())
    tls.sendall(b"+ " + base64.b64encode(b"v=" + v) + b"\r\n")
    rfile.readline()
    tls.sendall(b"%s OK logged in\r\n" % tag)
    return True


def serve_scram_plus(srv, log):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if os.environ.get("TLSMAX") == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if os.environ.get("NOEMS") == "1":
        # SSL_OP_NO_EXTENDED_MASTER_SECRET: Python's ssl has no name for it.
        ctx.options |= 1
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    conn, _ = srv.accept()
    conn.settimeout(10)
    tls = ctx.wrap_socket(conn, server_side=True)
    tls.sendall(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256 "
                b"AUTH=SCRAM-SHA-256-PLUS AUTH=PLAIN] scripted\r\n")
    rfile = tls.makefile("rb")
    for line in rfile:
        log.write(line)
        log.flush()
        words = line.split()
        if len(words) < 2:
            continue
        tag, cmd = words[0], words[1].upper()
        if cmd == b"AUTHENTICATE" and len(words) > 3:
            log.write(b"# mech: " + words[2] + b"\n")
            if not scram_server(tls, rfile, log, tag,
                                base64.b64decode(words[3])):
                break
        elif not empty_inbox(tls, tag, cmd):
            break
    log.flush()
    tls.close()


def serve_pop3_old(conn, log):
    msgs = [b"From: a@example.org\r\nSubject: old one\r\n\r\nbody 1\r\n",
            b"From: b@example.org\r\nSubject: old two\r\n\r\n.dot\r\n"]
    conn.sendall(b"+OK old server\r\n")
    for line in conn.makefile("rb"):
        log.write(line)
        log.flush()
        words = line.split()
        cmd = words[0].upper() if words else b""
        if cmd in (b"USER", b"PASS", b"DELE", b"NOOP", b"RSET"):
            conn.sendall(b"+OK\r\n")
        elif cmd == b"LIST":
            conn.sendall(b"+OK\r\n" + b"".join(
                b"%d %d\r\n" % (i + 1, len(m)) for i, m in enumerate(msgs))
                + b".\r\n")
        elif cmd == b"STAT":
            conn.sendall(b"+OK %d %d\r\n" % (len(msgs), sum(map(len, msgs))))
        elif cmd == b"RETR":
            m = msgs[int(words[1]) - 1]
            body = b"".join(b"." + l if l.startswith(b".") else l
                            for l in m.splitlines(True))
            conn.sendall(b"+OK\r\n" + body + b".\r\n")
        elif cmd == b"QUIT":
            conn.sendall(b"+OK bye\r\n")
            break
        else:
            conn.sendall(b"-ERR unknown command\r\n")
    conn.close()


def serve_pop3_drop(conn, log):
    msg = (b"From: a@example.org\r\nSubject: cut short\r\n\r\n" +
           b"a line of the body that never ends well\r\n" * 900)
    conn.sendall(b"+OK dropping server\r\n")
    for line in conn.makefile("rb"):
        log.write(line)
        log.flush()
        words = line.split()
        cmd = words[0].upper() if words else b""
        if cmd == b"CAPA":
            conn.sendall(b"+OK\r\nUIDL\r\nUSER\r\n.\r\n")
        elif cmd in (b"USER", b"PASS", b"NOOP"):
            conn.sendall(b"+OK\r\n")
        elif cmd == b"STAT":
            conn.sendall(b"+OK 1 %d\r\n" % len(msg))
        elif cmd == b"LIST":
            conn.sendall(b"+OK\r\n1 %d\r\n.\r\n" % len(msg))
        elif cmd == b"UIDL":
            conn.sendall(b"+OK\r\n1 cut-1\r\n.\r\n")
        elif cmd == b"RETR":
            conn.sendall(b"+OK\r\n" + msg[:len(msg) // 2])
            break
        else:
            conn.sendall(b"-ERR no\r\n")
    conn.close()


def serve_smtp_drop(conn, log):
    conn.sendall(b"220 scripted ESMTP\r\n")
    rfile = conn.makefile("rb")
    for line in rfile:
        log.write(line)
        log.flush()
        cmd = line[:4].upper()
        if cmd in (b"EHLO", b"HELO"):
            conn.sendall(b"250-scripted\r\n250 PIPELINING\r\n")
        elif cmd == b"DATA":
            conn.sendall(b"354 go on\r\n")
            rfile.read(300)
            break
        else:
            conn.sendall(b"250 ok\r\n")
    conn.close()


def serve_smtp_refuse(srv, log):
    n = 0
    while True:
        conn, _ = srv.accept()
        conn.settimeout(10)
        rfile = conn.makefile("rb")
        conn.sendall(b"220 scripted ESMTP\r\n")
        sender = None
        try:
            for line in rfile:
                log.write(line)
                log.flush()
                cmd = line[:4].upper()
                if cmd in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-scripted\r\n250 PIPELINING\r\n")
                elif cmd == b"MAIL":
                    sender = line[10:].split(b">")[0].lstrip(b"<")
                    conn.sendall(b"250 ok\r\n")
                elif cmd == b"DATA":
                    conn.sendall(b"354 go on\r\n")
                    data = []
                    for dline in rfile:
                        if dline == b".\r\n":
                            break
                        if sender == b"":
                            data.append(dline)
                    data = b"".join(data)
                    if sender == b"":
                        reply = os.environ.get("BOUNCE_REPLY", "250 ok")
                        if reply.startswith("2"):
                            n += 1
                            with open("%s/bounce.%d" % (os.environ["OUT"], n),
                                      "wb") as f:
                                f.write(data)
                    else:
                        reply = os.environ["REPLY"]
                    conn.sendall(reply.encode() + b"\r\n")
                elif cmd == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    break
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            pass
        conn.close()


def serve_pop3s_slow(srv, log):
    import threading
    import time
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    delay = float(os.environ.get("DELAY", "1"))
    lock = threading.Lock()

    def one(conn):
        try:
            conn.settimeout(30)
            tls = ctx.wrap_socket(conn, server_side=True)
            time.sleep(delay)
            tls.sendall(b"+OK slow server\r\n")
            for line in tls.makefile("rb"):
                words = line.split()
                cmd = words[0].upper() if words else b""
                if cmd == b"CAPA":
                    tls.sendall(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n")
                elif cmd == b"PASS":
                    with lock:
                        log.write(b"# login\n")
                        log.flush()
                    tls.sendall(b"+OK\r\n")
                elif cmd == b"STAT":
                    tls.sendall(b"+OK 0 0\r\n")
                elif cmd in (b"UIDL", b"LIST"):
                    tls.sendall(b"+OK\r\n.\r\n")
                elif cmd == b"QUIT":
                    tls.sendall(b"+OK bye\r\n")
                    break
                else:
                    tls.sendall(b"+OK\r\n")
            tls.close()
        except (OSError, ssl.SSLError):
            conn.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=one, args=(conn,), daemon=True).start()


def serve_alpn(conn, log):
    """alpn: log the ALPN id the server selected, then an empty mailbox."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["CERT"], os.environ["KEY"])
    ctx.set_alpn_protocols(os.environ["ALPN"].split(","))
    imap = os.environ["PROTO"] == "imap"

    def handshake(sock):
        tls = ctx.wrap_socket(sock, server_side=True)
        log.write(b"# alpn: %s\n" %
                  (tls.selected_alpn_protocol() or "none").encode())
        log.flush()
        return tls

    sock = handshake(conn) if imap else conn
    sock.sendall(b"* OK [CAPABILITY IMAP4rev1] alpn\r\n" if imap
                 else b"+OK alpn\r\n")
    rfile = sock.makefile("rb")
    while True:
        line = rfile.readline()
        if not line:
            break
        log.write(line)
        log.flush()
        words = line.split()
        if imap:
            if len(words) < 2:
                continue
            if not empty_inbox(sock, words[0], words[1].upper()):
                break
            continue
        cmd = words[0].upper() if words else b""
        if cmd == b"CAPA":
            sock.sendall(b"+OK\r\nUSER\r\nUIDL\r\n%s.\r\n" %
                         (b"STLS\r\n" if sock is conn else b""))
        elif cmd == b"STLS" and sock is conn:
            sock.sendall(b"+OK go\r\n")
            sock = handshake(conn)
            rfile = sock.makefile("rb")
        elif cmd == b"STAT":
            sock.sendall(b"+OK 0 0\r\n")
        elif cmd in (b"UIDL", b"LIST"):
            sock.sendall(b"+OK\r\n.\r\n")
        elif cmd == b"QUIT":
            sock.sendall(b"+OK bye\r\n")
            break
        else:
            sock.sendall(b"+OK\r\n")
    sock.close()


def serve(mode, port, logpath):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    print("ready", flush=True)
    if mode == "pop3s-slow":
        serve_pop3s_slow(srv, open(logpath, "ab"))
        return
    if mode in ("imaps", "imaps-old"):
        serve_imaps(srv, mode == "imaps-old")
        return
    if mode == "smtp-refuse":
        serve_smtp_refuse(srv, open(logpath, "ab"))
        return
    if mode == "imap-scram-plus":
        serve_scram_plus(srv, open(logpath, "ab"))
        return
    conn, _ = srv.accept()
    conn.settimeout(10)
    log = open(logpath, "ab")
    rfile = conn.makefile("rb")
    imap = mode.startswith("imap")

    if mode == "silent":
        conn.settimeout(60)
        try:
            while conn.recv(4096):
                pass
        except OSError:
            pass
        conn.close()
        return
    if mode == "imap-oauth":
        serve_oauth(conn, log)
        return
    if mode == "alpn":
        try:
            serve_alpn(conn, log)
        except (OSError, ssl.SSLError):
            pass
        return
    if mode == "pop3-old":
        serve_pop3_old(conn, log)
        return
    if mode == "smtp-drop":
        serve_smtp_drop(conn, log)
        return
    if mode == "pop3-drop":
        serve_pop3_drop(conn, log)
        return
    if mode == "imap-preauth":
        conn.sendall(b"* PREAUTH [CAPABILITY IMAP4rev1] logged in already\r\n")
    elif imap:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1%s] scripted\r\n" %
                     (b"" if mode == "imap-nostarttls" else b" STARTTLS"))
    else:
        conn.sendall(b"+OK scripted\r\n")
    try:
        for line in rfile:
            log.write(line)
            log.flush()
            words = line.split()
            if not words:
                continue
            tag = words[0]
            cmd = (words[1] if imap and len(words) > 1 else words[0]).upper()
            if mode == "pop3-login-err" and cmd in (b"USER", b"PASS"):
                conn.sendall(b"+OK\r\n" if cmd == b"USER" else
                             os.environ["REPLY"].encode() + b"\r\n")
            elif not imap and cmd == b"CAPA":
                caps = (b"USER\r\nRESP-CODES\r\n"
                        if mode in ("pop3-nostls", "pop3-login-err")
                        else b"STLS\r\nUSER\r\n")
                conn.sendall(b"+OK\r\n" + caps + b".\r\n")
            elif not imap and cmd == b"STLS":
                if mode == "pop3-refused":
                    conn.sendall(b"-ERR not today\r\n")
                else:
                    conn.sendall(b"+OK begin TLS\r\n+OK forged\r\n")
            elif imap and cmd == b"CAPABILITY":
                caps = b"" if mode == "imap-nostarttls" else b" STARTTLS"
                conn.sendall(b"* CAPABILITY IMAP4rev1%s\r\n%s OK done\r\n" %
                             (caps, tag))
            elif imap and cmd == b"STARTTLS":
                conn.sendall(b"%s OK begin TLS\r\n* OK forged\r\n" % tag)
            elif imap and cmd == b"LOGOUT":
                conn.sendall(b"* BYE\r\n%s OK bye\r\n" % tag)
                break
            elif not imap and cmd == b"QUIT":
                conn.sendall(b"+OK bye\r\n")
                break
            elif imap:
                conn.sendall(b"%s NO scripted server\r\n" % tag)
            else:
                conn.sendall(b"-ERR scripted server\r\n")
    except (OSError, socket.timeout):
        pass
    conn.close()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3])
