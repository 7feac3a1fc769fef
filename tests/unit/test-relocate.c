/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * relocate_pages() (arch/x86/kexec/kexec-tramp.S), run on the host: the
 * list's addresses are host addresses of aligned pages.  It copies and
 * zeroes as the list says, follows indirection pages, and keeps every
 * callee-saved register (it is called as a SysV function by the
 * trampoline and by nothing that could tolerate a clobber).
 */
#include "harness.h"

#include <asm/kexec.h>

void relocate_pages_checked(const uint64_t *list, uint64_t out[6]);

#define PG 4096

static void *page(int fill)
{
    void *p = aligned_alloc(PG, PG);

    ck_assert_ptr_nonnull(p);
    memset(p, fill, PG);
    return p;
}

static uint64_t addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* dst[0..2] <- copy of src0, zero, copy of src1; the list split over an
 * indirection page. */
START_TEST(test_copies_zeroes_follows_indirection)
{
    uint8_t *dst = aligned_alloc(PG, 3 * PG), *src0 = page(0xa1),
            *src1 = page(0xb2);
    uint64_t *list = page(0), *list2 = page(0);
    uint64_t regs[6];

    ck_assert_ptr_nonnull(dst);
    memset(dst, 0x5a, 3 * PG);
    list[0] = addr(dst) | IND_DESTINATION;
    list[1] = addr(src0) | IND_SOURCE;
    list[2] = IND_ZERO;
    list[3] = 0; /* an empty word: skipped */
    list[4] = addr(list2) | IND_INDIRECTION;
    list2[0] = addr(src1) | IND_SOURCE;
    list2[1] = IND_DONE;
    list2[2] = addr(src0) | IND_SOURCE; /* after DONE: never read */
    relocate_pages_checked(list, regs);
    for (int i = 0; i < PG; i++) {
        ck_assert_uint_eq(dst[i], 0xa1);
        ck_assert_uint_eq(dst[PG + i], 0);
        ck_assert_uint_eq(dst[2 * PG + i], 0xb2);
    }
    free(dst);
    free(src0);
    free(src1);
    free(list);
    free(list2);
}
END_TEST

START_TEST(test_keeps_callee_saved_registers)
{
    static const uint64_t want[6] = {
        0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
        0x4444444444444444, 0x5555555555555555, 0x6666666666666666,
    };
    static const char names[6][4] = {
        "rbx", "rbp", "r12", "r13", "r14", "r15"
    };
    uint8_t *dst = aligned_alloc(PG, 2 * PG), *src = page(0x33);
    uint64_t *list = page(0);
    uint64_t regs[6];

    ck_assert_ptr_nonnull(dst);
    /* Every kind of word, so that every path of the walk runs. */
    list[0] = addr(dst) | IND_DESTINATION;
    list[1] = addr(src) | IND_SOURCE;
    list[2] = IND_ZERO;
    list[3] = 0;
    list[4] = IND_DONE;
    memset(regs, 0, sizeof(regs));
    relocate_pages_checked(list, regs);
    for (int i = 0; i < 6; i++)
        ck_assert_msg(regs[i] == want[i], "%s: %#lx after the call, want %#lx",
                      names[i], (unsigned long)regs[i], (unsigned long)want[i]);
    ck_assert_uint_eq(dst[PG - 1], 0x33);
    ck_assert_uint_eq(dst[2 * PG - 1], 0);
    free(dst);
    free(src);
    free(list);
}
END_TEST

static Suite *relocate_suite(void)
{
    Suite *s = suite_create("relocate");
    TCase *tc = tcase_create("relocate_pages");

    tcase_add_test(tc, test_copies_zeroes_follows_indirection);
    tcase_add_test(tc, test_keeps_callee_saved_registers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return harness_run(relocate_suite());
}
