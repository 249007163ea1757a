#!/usr/bin/env python3
"""Summarise bench/run.sh's results: medians, ratios per pair, floors.

Input lines: SCENARIO TOOL WALL CPU RSS_KB, where SCENARIO is
corpus/proto/sink (sink "floor" or "floor-files" for the floor reader).
"""

import statistics
import sys
from collections import defaultdict


def main(path):
    runs = defaultdict(list)          # (scenario, tool) -> [(wall, cpu, rss)]
    for line in open(path):
        scen, tool, wall, cpu, rss = line.split()
        runs[(scen, tool)].append((float(wall), float(cpu), int(rss)))

    def med(scen, tool, k):
        v = runs.get((scen, tool))
        return statistics.median(x[k] for x in v) if v else None

    scenarios = sorted({s for s, t in runs if t != "floor"})
    print("| scenario | fetchmail wall | pullmail wall | pullmail/fetchmail "
          "(each pair) | pullmail / floor | pullmail / floor with files | "
          "CPU s fetchmail / pullmail / floor | peak RSS kB fetchmail / "
          "pullmail |")
    print("|---|---|---|---|---|---|---|---|")
    for scen in scenarios:
        corpus, proto, sink = scen.split("/")
        base = "%s/%s/" % (corpus, proto)
        fw, pw = med(scen, "fetchmail", 0), med(scen, "pullmail", 0)
        pairs = ""
        if runs.get((scen, "fetchmail")):
            pairs = " ".join("%.3f" % (p[0] / f[0]) for f, p in
                             zip(runs[(scen, "fetchmail")],
                                 runs[(scen, "pullmail")]))
        fl = med(base + "floor", "floor", 0)
        flf = med(base + "floor-files", "floor", 0)
        flc = med(base + "floor-files", "floor", 1)
        print("| %s | %s | %.2f s | %s | %s | %s | %s / %.2f / %.2f | %s / %d |"
              % (scen, "%.2f s" % fw if fw else "-", pw, pairs or "-",
                 "%.1fx" % (pw / fl) if fl else "-",
                 "%.2fx" % (pw / flf) if flf else "-",
                 "%.2f" % med(scen, "fetchmail", 1) if fw else "-",
                 med(scen, "pullmail", 1), flc or 0,
                 "%d" % med(scen, "fetchmail", 2) if fw else "-",
                 med(scen, "pullmail", 2)))
    print()
    for scen in sorted({s for s, t in runs if t == "floor"}):
        print("floor %s: median %.2f s wall, %.2f s CPU" %
              (scen, med(scen, "floor", 0), med(scen, "floor", 1)))


if __name__ == "__main__":
    main(sys.argv[1])
