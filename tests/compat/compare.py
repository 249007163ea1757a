#!/usr/bin/env python3
"""Compare fetchmail's and pullmail's --configdump output.

usage: compare.py FETCHMAIL_DUMP PULLMAIL_DUMP [ALLOWED_KEY ...]

Every key fetchmail prints must be in pullmail's dump with the same value,
except the keys named as allowed (documented deliberate differences).
Keys only pullmail prints are its own settings and are ignored.
Prints one line per difference; exits 1 if there is any.
"""

import sys


def load(path):
    scope = {}
    with open(path, encoding="latin-1") as f:
        exec(f.read(), {}, scope)  # the dump is a Python program
    return scope["fetchmailrc"]


def compare(fm, pm, path, allowed, out):
    if isinstance(fm, dict):
        if not isinstance(pm, dict):
            out.append(f"{path}: fetchmail has a dict, pullmail {pm!r}")
            return
        for key, value in fm.items():
            sub = f"{path}.{key}" if path else key
            if key in allowed:
                continue
            if key not in pm:
                out.append(f"{sub}: missing in pullmail's dump")
                continue
            compare(value, pm[key], sub, allowed, out)
    elif isinstance(fm, list) and fm and isinstance(fm[0], dict):
        if len(fm) != len(pm):
            out.append(f"{path}: fetchmail has {len(fm)} entries, "
                       f"pullmail {len(pm)}")
            return
        for i, (a, b) in enumerate(zip(fm, pm)):
            compare(a, b, f"{path}[{i}]", allowed, out)
    elif fm != pm:
        out.append(f"{path}: fetchmail {fm!r}, pullmail {pm!r}")


def main():
    fm, pm = load(sys.argv[1]), load(sys.argv[2])
    out = []
    compare(fm, pm, "", set(sys.argv[3:]), out)
    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
