#!/bin/bash
# t_docfrags.sh -- documentation that works when pasted: every rcfile
# fragment in README.md, README.SSL, README.SSL-SERVER and both man pages
# (doc_fragments.py finds them) is read by pullmail --configdump without
# an error (fetchmailrc.sample is checked whole by t_sample.sh); and
# every error message those documents quote is one the code can print
# (doc_messages.py finds its words in the sources' strings).
set -u
. "$top_srcdir/tests/integration/lib.sh"

work="$T/frags"
mkdir -p "$work"
frags=$(python3 "$top_srcdir/tests/compat/doc_fragments.py" "$work" \
    "$top_srcdir/README.md" "$top_srcdir/README.SSL" \
    "$top_srcdir/README.SSL-SERVER" "$top_srcdir/man/pullmail.1" \
    "$top_srcdir/man/pullmailrc.5") || bail "doc_fragments.py failed"
n=0
for f in $frags; do
	n=$((n + 1))
	chmod 600 "$work/$f"
	"$PULLMAIL" --configdump -f "$work/$f" >/dev/null 2>"$work/$f.err"
	ok $? "${f%.rc}: the fragment there is read without an error" ||
	    sed 's/^/#   /' "$work/$f.err" "$work/$f"
done
[ "$n" -ge 3 ]
ok $? "fragments found: $n"

python3 "$top_srcdir/tests/compat/doc_messages.py" "$top_srcdir/src" \
    "$top_srcdir/README.md" "$top_srcdir/README.SSL" \
    "$top_srcdir/README.SSL-SERVER" >"$work/messages"
st=$?
while read -r verdict where rest; do
	[ "$verdict" = ok ]
	ok $? "${where%:}: the quoted message is one pullmail prints${rest:+: $rest}"
done <"$work/messages"
[ "$st" = 0 ] && [ "$(grep -c '^ok ' "$work/messages")" -ge 15 ]
ok $? "quoted messages checked: $(grep -c . "$work/messages")"

done_testing
