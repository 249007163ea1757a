#!/usr/bin/env python3
"""A recording SMTP or LMTP server for the tests: accepts every message
and writes each DATA stream, byte for byte as it arrived (dot-stuffing,
line ends and the final ".\\r\\n" included), to DIR/data.N.

usage: smtp_recorder.py PORT DIR [lmtp]

Listens on 127.0.0.1:PORT, prints "ready", serves connections one after
another until killed.  The end of DATA is found strictly as CR LF . CR LF,
so what a lenient server would have made of the stream is left to the
checks (hostile_mail.py check smtp).
"""

import os
import socket
import sys


def serve(conn, outdir, lmtp, counter):
    f = conn.makefile("rb")
    conn.sendall(b"220 recorder ESMTP\r\n")
    rcpts = 0
    while True:
        line = f.readline(1 << 20)
        if not line:
            return counter
        verb = line[:4].upper()
        if verb in (b"EHLO", b"LHLO"):
            conn.sendall(b"250-recorder\r\n250-8BITMIME\r\n"
                         b"250-PIPELINING\r\n250 SIZE 0\r\n")
        elif verb == b"HELO":
            conn.sendall(b"250 recorder\r\n")
        elif verb == b"MAIL":
            rcpts = 0
            conn.sendall(b"250 ok\r\n")
        elif verb == b"RCPT":
            rcpts += 1
            conn.sendall(b"250 ok\r\n")
        elif verb == b"DATA":
            conn.sendall(b"354 go ahead\r\n")
            data = b""
            while not (data.endswith(b"\r\n.\r\n") or data == b".\r\n"):
                chunk = f.readline(1 << 22)
                if not chunk:
                    return counter
                data += chunk
            counter += 1
            with open(os.path.join(outdir, "data.%d" % counter), "wb") as o:
                o.write(data)
            conn.sendall(b"250 ok\r\n" * (rcpts if lmtp else 1))
        elif verb == b"QUIT":
            conn.sendall(b"221 bye\r\n")
            return counter
        else:
            conn.sendall(b"250 ok\r\n")


def main():
    port, outdir = int(sys.argv[1]), sys.argv[2]
    lmtp = len(sys.argv) > 3 and sys.argv[3] == "lmtp"
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    print("ready", flush=True)
    counter = 0
    while True:
        conn, _ = s.accept()
        with conn:
            counter = serve(conn, outdir, lmtp, counter)


if __name__ == "__main__":
    main()
