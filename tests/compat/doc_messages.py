#!/usr/bin/env python3
"""Check that the error messages quoted in the documents exist in the code.

usage: doc_messages.py SRCDIR DOC...

A quoted message is a block that begins with two spaces and a double
quote at the start of a line (the "Messages" lists of README.SSL and
the like) and runs to the line that closes it.  The quote is cut at
"..." and at the example values a document puts in (quoted words,
host names, numbers, paths, upper-case placeholders); each piece of
three words or more must appear, spaces aside, in one C string of the
sources (adjacent literals joined, conversions such as %s cut out).
Prints one line per quote: "ok DOC:LINE" or "missing DOC:LINE: piece".
Exits 1 if any is missing.
"""

import glob
import os
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
CONVERSION = re.compile(r"%[-#0 +']*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|z|j|t)?[a-zA-Z%]")


def c_strings(path):
    """The string constants of a C file, adjacent literals joined."""
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out, cur, end = [], None, 0
    for m in LITERAL.finditer(text):
        between = text[end:m.start()]
        if cur is not None and between.strip() == "":
            cur += m.group(1)
        else:
            if cur is not None:
                out.append(cur)
            cur = m.group(1)
        end = m.end()
    if cur is not None:
        out.append(cur)
    strings = []
    for s in out:
        s = s.replace('\\"', '"').replace("\\n", " ").replace("\\\\", "\\")
        s = CONVERSION.sub("\x00", s)
        for part in s.split("\x00"):
            strings.append(" ".join(part.split()))
    return strings


EXAMPLE = re.compile(r'^(\S*\.(org|net|com|test)\S*|\S*\d\S*|[A-Z]{1,4}[.,:;]?|'
                     r'\S*/\S*|\S*[<>]\S*|'
                     r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec))$')


def pieces(quote):
    """The parts of a quoted message that must be the code's own words."""
    quote = re.sub(r'"[^"]*"', " \x00 ", quote)     # quoted example values
    for chunk in re.split(r"\.\.\.|\x00", quote):
        words, run = chunk.split(), []
        for w in words + [None]:
            if w is None or EXAMPLE.match(w):
                if len(run) >= 3:
                    yield " ".join(run).strip(" ,;:()")
                run = []
            else:
                run.append(w)


def quotes(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    n = 0
    while n < len(lines):
        if not lines[n].startswith('  "'):
            n += 1
            continue
        first, text = n + 1, lines[n].strip()
        # A quote runs on while its double quotes are unbalanced.
        while text.count('"') % 2 == 1 and n + 1 < len(lines):
            n += 1
            text += " " + lines[n].strip()
        n += 1
        body = text[1:text.rfind('"')] if text.count('"') >= 2 else text
        yield first, body


def openssl_strings():
    """OpenSSL's own messages (verification results, alerts), which
    pullmail prints inside its own: the printable runs of its libraries."""
    out = []
    for lib in glob.glob("/usr/lib/*/libcrypto.so.3") + \
            glob.glob("/usr/lib/*/libssl.so.3"):
        data = open(lib, "rb").read()
        out.extend(m.decode() for m in re.findall(rb"[ -~]{8,}", data))
    return out


def covered(piece, joined):
    """Is piece, word by word, made of runs of two words or more that
    each stand in some string (a conversion joins two strings)?"""
    words = piece.split()
    i = 0
    while i < len(words):
        best = 0
        for j in range(len(words), i, -1):
            if " ".join(words[i:j]).strip(" ,;:()") in joined:
                best = j
                break
        if best == 0 or (best - i < 2 and best < len(words)):
            return False
        i = best
    return True


def main():
    srcdir, docs = sys.argv[1], sys.argv[2:]
    corpus = []
    for path in glob.glob(os.path.join(srcdir, "*.c")):
        corpus.extend(c_strings(path))
    corpus.extend(openssl_strings())
    joined = "\n".join(corpus)
    bad = 0
    for doc in docs:
        for line, body in quotes(doc):
            missing = [p for p in pieces(body) if not covered(p, joined)]
            where = "%s:%d" % (os.path.basename(doc), line)
            if missing:
                bad += 1
                print("missing %s: %s" % (where, missing[0]))
            else:
                print("ok %s" % where)
    sys.exit(1 if bad else 0)


main()
