#!/usr/bin/env python3
"""Hostile mail for every sink: make it, fetch what the server holds, and
check what each sink made of it, byte for byte.

usage:
  hostile_mail.py make MAILDIR/new       write the hostile messages
  hostile_mail.py ref imap|pop3 PORT USER PASS CA OUTDIR
                                         fetch each message as the server
                                         serves it over IMAPS (the literal)
                                         or POP3S (RETR, dot-stuffing
                                         undone): Dovecot's two differ
                                         (NUL, a missing last line end)
  hostile_mail.py check KIND REFDIR OUTPUT
                                         KIND: maildir (OUTPUT a directory
                                         of files), mda (likewise), mbox
                                         (a file), smtp (a directory of
                                         recorded DATA streams), bsmtp (a
                                         file)

Each message has a unique "Subject: hostile N".  The checks remove the
Received field pullmail adds, apply what the sink promises (CR LF to LF
for local files, mboxrd quoting, every line end as CR LF and no early end
of DATA for SMTP) and compare; any difference, a missing or extra message,
or a stream a lenient SMTP server could cut short is an error.  Exit 0 when
all match; otherwise each problem is printed as a "# " line.
"""

import imaplib
import os
import re
import socket
import ssl
import sys

EVIL_FROM = b"<$(touch${IFS}/tmp/pullmail-pwned)@evil.example>"


def messages():
    """(name, bytes) of each hostile message, stored with LF ends."""
    def msg(n, body, extra=b""):
        return (b"Return-Path: " + EVIL_FROM + b"\n" + extra +
                b"From: `id` <a@example.org>\nTo: b@example.org\n"
                b"Subject: hostile %d\nMessage-ID: <h%d@pullmail.test>\n\n"
                % (n, n) + body)
    # The review's mbox overflow: a big header, then From lines.  Where
    # the overflow struck depended on how full the buffer was when a piece
    # of From lines came, so the header grows 1 KB a message.
    floods = [("from-flood-%d" % pad, msg(100 + i, b"From \n" * 7000,
                                          b"X-Pad: " + b"p" * pad + b"\n"))
              for i, pad in enumerate(range(20000, 40001, 1000))]
    return floods + [
        ("from-variants", msg(2, b"From me\n>From you\n>>From x\nFrom\n"
                              b"From:\nFFrom \n From \nFrom ")),
        # SMTP smuggling: sequences a lenient server may read as the end.
        ("smuggling", msg(3, b"a\r.\r\nMAIL FROM:<x@evil>\r\nb\n.\nc\r\n"
                          b".\nd\n.\r\ne\r.\rf\n..\n.\n")),
        ("bare-cr", msg(4, b"one\rtwo\r\rthree\r\n\rfour\r")),
        ("dots", msg(5, b".\n..\n...\n. \n.x\nend\n.")),
        ("nul", msg(6, b"NUL \x00 here\n\x00\n.\x00\n")),
        ("long-line", msg(7, b"L" * (1 << 20) + b"\nafter\n")),
        ("shell", msg(8, b"$(touch /tmp/pullmail-pwned2) `id` ; | &\n",
                      b"Reply-To: \"; rm -rf / #\" <r@example.org>\n")),
        ("no-newline", msg(9, b"the last line has no end")),
        ("escape", msg(10, b"\x1b[2J\x1b]0;title\x07 and \x7f DEL\n")),
    ]


def make(newdir):
    for i, (name, data) in enumerate(messages()):
        with open(os.path.join(newdir, "%d.M%dP9.%s" % (5000 + i, i, name)),
                  "wb") as f:
            f.write(data)


def ref(proto, port, user, password, ca, outdir):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    if proto == "imap":
        bodies = ref_imap(ctx, int(port), user, password)
    else:
        bodies = ref_pop3(ctx, int(port), user, password)
    for body in bodies:
        with open(os.path.join(outdir, "ref.%d" % subject_number(body)),
                  "wb") as f:
            f.write(body)


def ref_imap(ctx, port, user, password):
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
    m.login(user, password)
    m.select("INBOX", readonly=True)
    typ, data = m.uid("SEARCH", None, "ALL")
    for uid in data[0].split():
        typ, parts = m.uid("FETCH", uid, "(BODY.PEEK[])")
        yield parts[0][1]
    m.logout()


def ref_pop3(ctx, port, user, password):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)))
    f = s.makefile("rb")

    def cmd(line):
        if line:
            s.sendall(line + b"\r\n")
        reply = f.readline()
        if not reply.startswith(b"+OK"):
            raise SystemExit("POP3 %r: %r" % (line, reply))
        return reply
    cmd(None)
    cmd(b"USER " + user.encode())
    cmd(b"PASS " + password.encode())
    count = int(cmd(b"STAT").split()[1])
    for n in range(1, count + 1):
        cmd(b"RETR %d" % n)
        data = b""
        while not data.endswith(b"\r\n.\r\n"):
            data += f.readline()
        # Undo dot-stuffing: a line's leading "." goes.
        body = re.sub(rb"(?m)^\.", b"", data[:-3].replace(b"\r\n", b"\n"))
        yield body.replace(b"\n", b"\r\n")
    cmd(b"QUIT")
    s.close()


def subject_number(data):
    m = re.search(rb"(?m)^Subject: hostile (\d+)\r?$", data[:200000])
    return int(m.group(1)) if m else -1


def strip_received(data):
    """The message without the first Received field (and continuations)."""
    m = re.match(rb"Received: [^\n]*\n(?:[ \t][^\n]*\n)*", data)
    if m is None:
        m = re.match(rb"Received: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*", data)
    return data[m.end():] if m else data


def crlf_to_lf(data):
    return data.replace(b"\r\n", b"\n")


def canonical(data):
    """Every line end as CR LF, ending with one."""
    out = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    if out and not out.endswith(b"\r\n"):
        out += b"\r\n"
    return out


def check_data_stream(stream, what, problems):
    """Undo dot-stuffing after making sure no lenient server could see an
    end of DATA before the real one."""
    if not stream.endswith(b"\r\n.\r\n") and stream != b".\r\n":
        problems.append("%s: DATA does not end with CR LF . CR LF" % what)
    if re.search(rb"\r(?!\n)|(?<!\r)\n", stream):
        problems.append("%s: a bare CR or LF in DATA (SMTP smuggling)"
                        % what)
    body = stream[:-3]
    if re.search(rb"(?:^|\r\n)\.\r\n", body):
        problems.append("%s: a lone '.' line before the end of DATA" % what)
    return re.sub(rb"(?m)^\.", b"", body.replace(b"\r\n", b"\n")).replace(
        b"\n", b"\r\n")


def unquote_mboxrd(data):
    return re.sub(rb"(?m)^>(>*From )", rb"\1", data)


def split_mbox(data, problems):
    """Messages of an mbox, mboxrd-unquoted: each after a "From " line at
    the start of the file or after the empty line that ends the one
    before (the message keeps its own last line end)."""
    parts = re.split(rb"(?:^|(?<=\n)\n)From [^\n]*\n", data)
    if parts[0] != b"":
        problems.append("mbox: does not start with a From line")
    if not data.endswith(b"\n\n"):
        problems.append("mbox: the last message lacks its empty line")
    elif len(parts) > 1:
        parts[-1] = parts[-1][:-1]
    out = []
    for p in parts[1:]:
        if re.search(rb"(?m)^From ", p):
            problems.append("mbox: an unquoted From line inside a message")
        out.append(unquote_mboxrd(p))
    return out


def split_bsmtp(data, problems):
    """The DATA streams of a BSMTP file, read as an SMTP server would:
    the envelope, then DATA up to the first CR LF . CR LF."""
    streams = []
    env = re.compile(rb"MAIL FROM:[^\r\n]*\r\n(?:RCPT TO:[^\r\n]*\r\n)+"
                     rb"DATA\r\n")
    pos = 0
    while pos < len(data):
        m = env.match(data, pos)
        if m is None:
            problems.append("bsmtp: no envelope at byte %d" % pos)
            break
        end = data.find(b"\r\n.\r\n", m.end() - 2)
        if end == -1:
            problems.append("bsmtp: DATA at byte %d never ends" % pos)
            break
        streams.append(data[m.end():end + 5])
        pos = end + 5
    return streams


def check(kind, refdir, output):
    problems = []
    want = {}
    for name in os.listdir(refdir):
        with open(os.path.join(refdir, name), "rb") as f:
            want[int(name.split(".")[1])] = f.read()
    got = {}
    if kind in ("maildir", "mda"):
        for name in sorted(os.listdir(output)):
            if kind == "mda" and not name.startswith("msg."):
                continue
            with open(os.path.join(output, name), "rb") as f:
                got.setdefault(subject_number(f.read()), []).append(
                    os.path.join(output, name))
        got = {n: [open(p, "rb").read() for p in v] for n, v in got.items()}
    elif kind == "mbox":
        with open(output, "rb") as f:
            for m in split_mbox(f.read(), problems):
                got.setdefault(subject_number(m), []).append(m)
    elif kind == "smtp":
        for name in sorted(os.listdir(output)):
            with open(os.path.join(output, name), "rb") as f:
                s = check_data_stream(f.read(), name, problems)
            got.setdefault(subject_number(s), []).append(s)
    elif kind == "bsmtp":
        with open(output, "rb") as f:
            data = f.read()
        for i, stream in enumerate(split_bsmtp(data, problems)):
            s = check_data_stream(stream, "bsmtp %d" % i, problems)
            got.setdefault(subject_number(s), []).append(s)
    for n, ref_bytes in sorted(want.items()):
        copies = got.pop(n, [])
        if len(copies) != 1:
            problems.append("hostile %d: %d copies" % (n, len(copies)))
            continue
        g = strip_received(copies[0])
        if kind in ("smtp", "bsmtp"):
            w = canonical(ref_bytes)
        else:
            w = crlf_to_lf(ref_bytes)
            if kind == "mbox" and not w.endswith(b"\n"):
                w += b"\n"
        if g != w:
            at = next((i for i in range(min(len(g), len(w)))
                       if g[i] != w[i]), min(len(g), len(w)))
            problems.append("hostile %d: differs at byte %d (got %d bytes, "
                            "want %d): %r / %r" % (n, at, len(g), len(w),
                                                  g[at:at + 20],
                                                  w[at:at + 20]))
    for n in got:
        problems.append("an unexpected message (subject number %d)" % n)
    for p in problems:
        print("# " + p)
    return 1 if problems else 0


def main():
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "ref":
        ref(*sys.argv[2:8])
    elif cmd == "check":
        sys.exit(check(*sys.argv[2:5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
