#!/usr/bin/env python3
"""Scripted servers on 127.0.0.1 for the scheduling and port tests.

usage: loopback_server.py silent PORT
       loopback_server.py slow-pop3 PORT DELAY LOGFILE
       loopback_server.py evil-greeting PORT
       loopback_server.py notify SOCKETPATH LOGFILE
       loopback_server.py slow-smtp PORT DELAY LOGFILE

silent: accepts every connection and never says a word (a hung server).
slow-pop3: greets in plain text after DELAY seconds, then answers like an
empty POP3 maildrop without STLS; at QUIT it appends "USER PASS" to
LOGFILE, so a test can count whose polls completed.  Both print "ready"
once listening and serve connections side by side.
evil-greeting: greets in POP3 with terminal escapes (a title change, a
screen clear, a colour) and a forged verdict, then hangs up.
notify: a service manager's NOTIFY_SOCKET (AF_UNIX datagrams at
SOCKETPATH, "@name" for an abstract one); each datagram is appended to
LOGFILE as "SECONDS STATE" lines, one per line of the datagram.
slow-smtp: an SMTP server that takes DELAY seconds to answer each final
dot, then accepts the message and appends "accepted" to LOGFILE.
"""

import socket
import sys
import threading
import time


def slow_pop3(c, delay, log):
    f = c.makefile("rwb", buffering=0)
    time.sleep(delay)
    f.write(b"+OK slow but plain\r\n")
    user = pw = "?"
    for line in f:
        w = line.split()
        cmd = w[0].upper() if w else b""
        arg = w[1].decode("ascii", "replace") if len(w) > 1 else "?"
        if cmd == b"USER":
            user = arg
        elif cmd == b"PASS":
            pw = arg
        if cmd == b"STAT":
            f.write(b"+OK 0 0\r\n")
        elif cmd in (b"LIST", b"UIDL", b"CAPA"):
            f.write(b"+OK\r\n.\r\n")
        elif cmd == b"QUIT":
            f.write(b"+OK bye\r\n")
            with open(log, "a") as out:
                out.write("%s %s\n" % (user, pw))
            break
        else:
            f.write(b"+OK\r\n")
    c.close()


def slow_smtp(c, delay, log):
    f = c.makefile("rwb", buffering=0)
    f.write(b"220 slow ESMTP\r\n")
    data = False
    for line in f:
        if data:
            if line.rstrip(b"\r\n") == b".":
                data = False
                time.sleep(delay)
                f.write(b"250 2.0.0 accepted at last\r\n")
                with open(log, "a") as out:
                    out.write("accepted\n")
            continue
        cmd = line[:4].upper()
        if cmd == b"EHLO":
            f.write(b"250-slow\r\n250 8BITMIME\r\n")
        elif cmd == b"DATA":
            f.write(b"354 go on\r\n")
            data = True
        elif cmd == b"QUIT":
            f.write(b"221 bye\r\n")
            break
        else:
            f.write(b"250 ok\r\n")
    c.close()


def notify(path, log):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + path[1:] if path.startswith("@") else path)
    print("ready", flush=True)
    t0 = time.monotonic()
    while True:
        data = s.recv(4096).decode("utf-8", "replace")
        with open(log, "a") as out:
            for line in data.split("\n"):
                out.write("%.3f %s\n" % (time.monotonic() - t0, line))


def main():
    if sys.argv[1] == "notify":
        notify(sys.argv[2], sys.argv[3])
        return
    mode, port = sys.argv[1], int(sys.argv[2])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    print("ready", flush=True)
    held = []
    while True:
        c = s.accept()[0]
        if mode == "evil-greeting":
            c.sendall(b"+OK \x1b]0;owned\x07\x1b[2J\x1b[31mThe server passes\r\n")
            c.close()
        elif mode == "silent":
            held.append(c)      # open and silent until the client gives up
            print("accepted", flush=True)
        elif mode == "slow-smtp":
            threading.Thread(target=slow_smtp, daemon=True,
                             args=(c, float(sys.argv[3]), sys.argv[4])).start()
        else:
            threading.Thread(target=slow_pop3, daemon=True,
                             args=(c, float(sys.argv[3]), sys.argv[4])).start()


main()
