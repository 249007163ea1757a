#!/bin/bash
# t_replay.sh -- replay every fuzz seed corpus through its target (built
# with the normal compiler; the sanitizer build catches memory errors).
# One TAP line per input; a target that dies adds a failing line.
total=0
for target in rcfile netrc pop3 imap smtp dotstuff header mime scram envelope status \
    sink_mbox sink_maildir sink_bsmtp sink_mda sink_smtp; do
	corpus=$target
	case $target in sink_*) corpus=sink ;; esac
	inputs=("$top_srcdir/tests/fuzz/corpus/$corpus"/*)
	out=$("$top_builddir/tests/fuzz/replay_$target" "${inputs[@]}" 2>&1)
	status=$?
	echo "$out" | grep -E '^(not )?ok ' | sed -E 's/^(not )?ok [0-9]+ /\1ok /'
	passed=$(echo "$out" | grep -c '^ok ')
	total=$((total + passed))
	if [ "$status" -ne 0 ] || [ "$passed" -ne "${#inputs[@]}" ]; then
		echo "not ok - replay_$target: status $status after $passed of ${#inputs[@]} inputs"
		echo "$out" | grep -v -E '^(not )?ok ' | sed 's/^/# /' | head -30
		total=$((total + 1))
	fi
done
echo "1..$total"
