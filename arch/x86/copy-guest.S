/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw guest-memory copies.  Each is one `rep movsb` listed in the
 * exception table: a fault (#PF on an unmapped page, #GP on a
 * non-canonical address) resumes at the fixup with %rcx = the bytes not
 * copied.  SMAP: dom0's pages are user pages, so the copy runs between
 * stac and clac (only where the CPU has SMAP: they #UD otherwise).
 *
 *   unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n);
 *   unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n);
 *   unsigned long raw_clear_guest(void *to, unsigned long n);
 * all return the number of bytes NOT copied (0 on success).
 */
#include <asm/extable.h>

.macro GUEST_ACCESS_OPEN
        testb   $1, cpu_has_smap_byte(%rip)
        jz      .Lno_stac\@
        stac
.Lno_stac\@:
.endm
.macro GUEST_ACCESS_CLOSE
        testb   $1, cpu_has_smap_byte(%rip)
        jz      .Lno_clac\@
        clac
.Lno_clac\@:
.endm

        .text
        .globl raw_copy_from_guest, raw_copy_to_guest, raw_clear_guest
raw_copy_from_guest:
raw_copy_to_guest:
        mov     %rdx, %rcx
        GUEST_ACCESS_OPEN
1:      rep movsb
2:      GUEST_ACCESS_CLOSE
        mov     %rcx, %rax
        ret
        _ASM_EXTABLE(1b, 2b)

raw_clear_guest:
        mov     %rsi, %rcx
        xor     %eax, %eax
        GUEST_ACCESS_OPEN
3:      rep stosb
4:      GUEST_ACCESS_CLOSE
        mov     %rcx, %rax
        ret
        _ASM_EXTABLE(3b, 4b)
