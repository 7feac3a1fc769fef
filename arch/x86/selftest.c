/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time checks and fault injection, driven by the command line:
 *
 *   selftest      exercise the guest-access primitives against an
 *                 unmapped and a non-canonical address; each must come
 *                 back as -EFAULT through the exception table.
 * Fault injection is in arch/x86/inject.c.
 */
#include <asm/processor.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <asm/selftest.h>

static bool opt_selftest;
boolean_param("selftest", opt_selftest);

static int checks_failed;

static void check(bool ok, const char *what)
{
    printk("selftest: %s: %s\n", what, ok ? "PASS" : "FAIL");
    if (!ok)
        checks_failed++;
}

static void selftest_guest_access(void)
{
    const uint64_t unmapped = 0x1000, noncanon = 0x8000000000000000UL;
    char buf[16] = { 0 };
    uint64_t word = 0x1122334455667788UL;

    check(copy_from_guest(buf, _vaddr(unmapped), sizeof(buf)) == -EFAULT,
          "copy_from_guest(unmapped) = -EFAULT");
    check(copy_to_guest(_vaddr(unmapped), buf, sizeof(buf)) == -EFAULT,
          "copy_to_guest(unmapped) = -EFAULT");
    check(clear_guest(_vaddr(unmapped), sizeof(buf)) == -EFAULT,
          "clear_guest(unmapped) = -EFAULT");
    check(copy_from_guest(buf, _vaddr(noncanon), sizeof(buf)) == -EFAULT,
          "copy_from_guest(non-canonical) = -EFAULT");
    check(copy_from_guest(buf, _vaddr(HV_SELFTEST_HV_ADDR), 8) == -EFAULT,
          "copy_from_guest(hypervisor address) = -EFAULT");
    /* Past the range check: the faults themselves must be fixed up. */
    check(raw_copy_from_guest(buf, (void *)unmapped, sizeof(buf)) ==
              sizeof(buf),
          "raw copy from unmapped faults (#PF) and is fixed up");
    check(raw_copy_from_guest(buf, (void *)noncanon, sizeof(buf)) ==
              sizeof(buf),
          "raw copy from non-canonical faults (#GP) and is fixed up");
    check(raw_copy_from_guest(buf, &word, sizeof(word)) == 0 &&
              !memcmp(buf, &word, sizeof(word)),
          "raw copy from mapped memory succeeds");
}

void run_selftests(void)
{
    if (!opt_selftest)
        return;
    selftest_guest_access();
    printk("selftest: %d failed\n", checks_failed);
}
