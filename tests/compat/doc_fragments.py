#!/usr/bin/env python3
"""Print every rcfile fragment of the given documents, for t_docfrags.sh.

usage: doc_fragments.py OUTDIR FILE...

A fragment is a block of lines in a document that starts with an rcfile
statement ("poll", "skip", "defaults", "set") at some indentation: in a
text document, an indented block that runs to a blank line or a line
indented less; in a man page (mdoc), a literal display (.Bd ... .Ed)
holding such a statement, with the escapes undone.  A text block must
be a paragraph of its own: after a blank line.  Each fragment goes
to OUTDIR/NAME-LINE.rc, named after its document and first line, and the
file names are printed one per line.
"""

import os
import re
import sys

START = re.compile(r"^(\s*)(poll|skip|defaults|set)\s")


def mdoc_text(line):
    """A line of an mdoc literal display as the reader sees it."""
    if line.startswith(".") and not line.startswith(".\\"):
        return None                     # a macro: .Ed, .Pp, ...
    for a, b in (("\\&", ""), ("\\e", "\\"), ("\\-", "-"),
                 ("\\(aq", "'"), ("\\(dq", '"'), ("\\(ga", "`")):
        line = line.replace(a, b)
    return line


def from_mdoc(lines):
    block, start = None, 0
    for n, line in enumerate(lines, 1):
        if line.startswith(".Bd"):
            block, start = [], n + 1
        elif line.startswith(".Ed"):
            if block and any(START.match(x) for x in block):
                first = next(i for i, x in enumerate(block) if START.match(x))
                yield start + first, block[first:]
            block = None
        elif block is not None:
            text = mdoc_text(line)
            if text is not None:
                block.append(text)


def from_text(lines):
    n = 0
    while n < len(lines):
        m = START.match(lines[n])
        # Shown indented, as a paragraph of its own (not prose that
        # happens to begin a line with "poll", not a shell script).
        if not m or not m.group(1) or (n > 0 and lines[n - 1].strip()):
            n += 1
            continue
        indent = len(m.group(1))
        block, first = [lines[n]], n + 1
        n += 1
        while n < len(lines) and lines[n].strip() and \
                len(lines[n]) - len(lines[n].lstrip()) >= indent:
            block.append(lines[n])
            n += 1
        yield first, block


def main():
    out = sys.argv[1]
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        mdoc = path.endswith((".1", ".5"))
        for first, block in (from_mdoc if mdoc else from_text)(lines):
            name = "%s-%d.rc" % (os.path.basename(path), first)
            with open(os.path.join(out, name), "w") as f:
                f.write("\n".join(block) + "\n")
            print(name)


main()
