#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# compile-fail.sh SRC CC [CFLAGS...]: a check that SRC's mistakes do not
# compile (tests/unit/kxl-addr-mix.c, tests/unit/hv-addr-mix.c;
# tests/unit/unit.mk runs them).
#
# SRC built with -DMIX_CASE=0 must compile.  For every line of SRC marked
# "compile-fail N: TEXT */", SRC built with -DMIX_CASE=N must not, and
# the compiler must report an error on that line whose message contains
# TEXT (so that a case which breaks for another reason, a typo say, does
# not pass).  Syntax only: nothing is written.  Exit 1, with the
# compiler's output, at the first case that does not hold.

set -u

src=$1
shift
marks=$(grep -n 'compile-fail [0-9][0-9]*: [^*]*\*/' "$src")
if [ -z "$marks" ]; then
    echo "$src: no line marked 'compile-fail N: TEXT */'" >&2
    exit 1
fi

if ! out=$(LC_ALL=C "$@" -fsyntax-only -DMIX_CASE=0 "$src" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "$src: case 0 (every case written right) does not compile" >&2
    exit 1
fi

cases=
for line in $(printf '%s\n' "$marks" | cut -d: -f1); do
    mark=$(sed -n "${line}s/.*compile-fail \([0-9][0-9]*\): \(.*[^ ]\) *\*\/.*/\1:\2/p" "$src")
    n=${mark%%:*}
    text=${mark#*:}
    case " $cases " in
    *" $n "*)
        echo "$src:$line: case $n is marked twice" >&2
        exit 1;;
    esac
    cases="$cases $n"
    if out=$(LC_ALL=C "$@" -fsyntax-only -DMIX_CASE="$n" "$src" 2>&1); then
        echo "$src:$line: case $n compiles: the types do not refuse it" >&2
        exit 1
    fi
    if ! printf '%s\n' "$out" | grep "^$src:$line:[0-9]*: error:" |
            grep -q -- "$text"; then
        printf '%s\n' "$out" >&2
        echo "$src:$line: case $n: no error '$text' on its line" >&2
        exit 1
    fi
done
echo "  CHECK   $src: case 0 compiles, cases$cases do not"
