#!/usr/bin/env python3
"""Write the seed corpus of the sink fuzz targets (corpus/sink/).

Each seed is 4 bytes that seed the piece sizes, then a message: the
review's mbox overflow (a large header, then thousands of "From " lines),
bare CR and LF, dot lines and SMTP smuggling sequences, NUL bytes, a
1 MiB line, quoted "From " lines, CR LF split across pieces.
Run from this directory: python3 make_sink_seeds.py
"""

import os
import struct

HDR = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: s\r\n\r\n"
SEEDS = {
    "from-lines": (1, b"X-Pad: " + b"p" * 29000 + b"\r\n\r\n" +
                   b"From \r\n" * 7000),
    "from-lines-16k": (16384, b"X-Pad: " + b"p" * 1500 + b"\r\n\r\n" +
                       b"From \n" * 6000),
    "from-quoted": (7, HDR + b">From a\n>>From b\nFrom\nFrom:\nFFrom x\n"
                    b"From "),
    "bare-cr-lf": (3, HDR + b"a\rb\nc\r\n\r\r\n\n\r"),
    "smuggling": (5, HDR + b"x\r.\r\nMAIL FROM:<e@evil>\r\n" +
                  b"y\n.\nz\r\n.\nw\n.\r\nv\r.\r" + b"\r\n..\r\n."),
    "dots": (2, b".\r\n..\r\n.x\r\n" + HDR + b".\r\n"),
    "nul": (11, HDR + b"a\0b\r\n\0\r\n.\0\r\n"),
    "long-line": (9, HDR + b"L" * (1 << 20) + b"\r\nend\r\n"),
    "empty": (1, b""),
    "no-final-newline": (13, HDR + b"last line"),
}

os.makedirs("corpus/sink", exist_ok=True)
for name, (seed, msg) in SEEDS.items():
    with open(os.path.join("corpus/sink", name), "wb") as f:
        f.write(struct.pack("<I", seed) + msg)
