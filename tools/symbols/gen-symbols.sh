#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# nm -n -S output -> assembly for the hypervisor's own symbol table
# (.hvsyms), read by common/symbols.c for symbolised RIPs and stack
# traces.  Only text symbols are kept: they are what a dump needs, and
# they lie before .hvsyms, so adding the table does not move them.
#
# Layout: hv_nr_symbols (u64), then hv_symbols[] = { u64 addr; u32 size;
# u32 name offset } sorted by address, the build id (second argument: the
# SHA-1 of the objects, the same for hv.elf and hv.efi), then the names.
set -e
in="$1"
build_id="${2:-0000000000000000000000000000000000000000}"
awk -v build_id="$build_id" '
BEGIN { n = 0 }
# With -S, sized symbols have four fields and assembly labels three.
NF == 4 && $3 ~ /^[tTwW]$/ { addr[n] = $1; size[n] = $2; name[n] = $4; n++ }
NF == 3 && $2 ~ /^[tTwW]$/ { addr[n] = $1; size[n] = "0"; name[n] = $3; n++ }
END {
    print "\t.section .hvsyms, \"a\""
    print "\t.balign 8"
    print "\t.globl hv_nr_symbols, hv_symbols, hv_symbol_names"
    print "hv_nr_symbols:\n\t.quad " n + 0
    print "hv_symbols:"
    off = 0
    for (i = 0; i < n; i++) {
        printf "\t.quad 0x%s\n\t.long 0x%s, %d\n", addr[i], size[i], off
        off += length(name[i]) + 1
    }
    print "\t.globl hv_build_id"
    print "hv_build_id:\n\t.asciz \"" build_id "\""
    print "hv_symbol_names:"
    for (i = 0; i < n; i++)
        printf "\t.asciz \"%s\"\n", name[i]
}' "$in"
