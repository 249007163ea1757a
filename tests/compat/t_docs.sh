#!/bin/bash
# t_docs.sh -- the manual pages against the code: every rcfile keyword the
# parser knows (src/rc_keywords.c, src/optable.c) appears in pullmailrc(5),
# pullmail's own keywords (KF_EXT, OF_EXT) in its "pullmail extensions"
# section, every long option of the command line (src/cmdline.c,
# src/optable.c) in pullmail(1); and both pages pass "mandoc -Tlint"
# without a warning.
set -u
src="$top_srcdir/src"
man="$top_srcdir/man"
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
		echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

# Words on the page: every token of a macro line, punctuation split off.
page_words() {
	grep '^\.' "$1" | tr -s ' \t' '\n\n' | sed 's/^\\&//' | sort -u
}

# missing_from WORDS NAME...: the names that are not a line of WORDS.
missing_from() {
	local words=$1 name
	shift
	for name in "$@"; do
		echo "$words" | grep -qxF -- "$name" || printf ' %s' "$name"
	done
}

# The grammar's words: { "name", KW_..., KC_..., FLAGS, ... } lines of
# src/rc_keywords.c.  PROTOCOL names are documented once, in lower case.
grammar=$(sed -n 's/^[[:space:]]*{ "\([^"]*\)",.*/\1/p' \
    "$src/rc_keywords.c" | tr 'A-Z' 'a-z')
ext=$(sed -n 's/^[[:space:]]*{ "\([^"]*\)",.*KF_EXT.*/\1/p' \
    "$src/rc_keywords.c")
# The options' words: the rows of src/optable.c, one line each:
# { "name", "aliases"|NULL, KW_..., scope, kind, flags, ...
optrows=$(awk '/^\t\{ ("|NULL)/ { row = "" }
    /^\t\{ ("|NULL)/, /\},$/ { row = row " " $0 }
    /\},$/ && row != "" { print row; row = "" }' "$src/optable.c")
spellings() {	# the name and the aliases of the rows on stdin
	sed -n 's/^[[:space:]]*{ "\([^"]*\)", \(NULL\|"\([^"]*\)"\),.*/\1 \3/p' |
	    tr ' ' '\n' | grep -v '^$'
}
optwords=$(echo "$optrows" | spellings)
joined=$(echo "$optrows" | grep 'NEGJ\|OF_JOINED' | spellings | sed 's/^/no/')
ext="$ext
$(echo "$optrows" | grep 'OF_EXT' | spellings)"
keywords=$(printf '%s\n%s\n%s\n' "$grammar" "$optwords" "$joined" | sort -u)
ext=$(echo "$ext" | sort -u)
noise=$(sed -n 's/.*noise\[\] = {\(.*\)/\1/p; /^    "options" };/p' \
    "$src/rc_keywords.c" | grep -o '"[a-z]*"' | tr -d '"')
[ "$(echo "$keywords" | wc -l)" -gt 150 ]
ok $? "the keyword table was read ($(echo "$keywords" | wc -l) names)"
[ "$(echo "$noise" | wc -w)" -eq 5 ]
ok $? "the noise words were read: $(echo $noise)"

# shellcheck disable=SC2086
missing=$(missing_from "$(page_words "$man/pullmailrc.5")" $keywords $noise)
[ -z "$missing" ]
ok $? "every rcfile keyword is in pullmailrc(5)${missing:+; missing:$missing}"

section=$(awk '/^\.Ss pullmail extensions/ { on = 1; next }
    on && /^\.S[sh] / { exit } on' "$man/pullmailrc.5" |
    tr -s ' \t' '\n\n' | sort -u)
# shellcheck disable=SC2086
missing=$(missing_from "$section" $ext)
[ "$(echo "$ext" | wc -w)" -ge 10 ] && [ -z "$missing" ]
ok $? "pullmail's $(echo "$ext" | wc -w) own keywords are under \"pullmail extensions\"${missing:+; missing:$missing}"

# Long options: { "name", ... } in cmdline.c's modes and the option
# table's .cl names; on the page as
# ".Fl Fl name" (or the short form's line).
longopts=$( (sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",[[:space:]]*\(no\|required\)_argument.*/\1/p' \
    "$src/cmdline.c"
    # and the option table's .cl = "NAME ALIAS" and .cl_no = "NAME"
    echo "$optrows" | grep -o '\.cl\(_no\)\? = "[^"]*"' |
    sed 's/.*= "\(.*\)"/\1/' | tr ' ' '\n') | sort -u)
# shellcheck disable=SC2086
missing=$(missing_from "$(grep '^\.' "$man/pullmail.1" |
    grep -o 'Fl Fl [a-z-]*' | sed 's/^Fl Fl //' | sort -u)" $longopts)
[ "$(echo "$longopts" | wc -w)" -gt 60 ] && [ -z "$missing" ]
ok $? "every long option ($(echo "$longopts" | wc -w)) is in pullmail(1)${missing:+; missing:$missing}"

command -v mandoc >/dev/null || { echo "Bail out! mandoc is not installed (tests/deps.sh installs it)"; exit 1; }
for page in pullmail.1 pullmailrc.5; do
	out=$(mandoc -Tlint -W warning "$man/$page" 2>&1)
	[ -z "$out" ]
	ok $? "mandoc -Tlint: $page has no warnings${out:+: $out}"
	# Style notes too, apart from those about the installed system.
	out=$(mandoc -Tlint "$man/$page" 2>&1 |
	    grep -v 'referenced manual not found\|mandoc.db')
	[ -z "$out" ]
	ok $? "mandoc -Tlint: $page has no style notes${out:+: $out}"
	out=$(MANWIDTH=80 man -l "$man/$page" 2>&1 >/dev/null)
	[ -z "$out" ]
	ok $? "man -l renders $page without a message${out:+: $out}"
done

echo "1..$n"
[ "$failed" -eq 0 ]
