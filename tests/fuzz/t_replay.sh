#!/bin/bash
# t_replay.sh -- replay every fuzz seed corpus through its target (built
# with the normal compiler; the sanitizer build catches memory errors).
exec "$top_builddir/tests/fuzz/replay_rcfile" "$top_srcdir"/tests/fuzz/corpus/rcfile/*
