/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time checks and fault injection, driven by the command line:
 *
 *   selftest      exercise the guest-access primitives against an
 *                 unmapped and a non-canonical address; each must come
 *                 back as -EFAULT through the exception table.
 *   inject=KIND   raise a fatal fault after boot to show the dump:
 *                 ud (#UD), pf (NULL dereference, #PF), gp (non-canonical
 *                 access, #GP), de (divide error), panic (panic()).
 * The inject_* functions are noinline so that the symbolised RIP in the
 * dump names them.
 */
#include <asm/processor.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/selftest.h>

static bool opt_selftest;
boolean_param("selftest", opt_selftest);
static char opt_inject[16];
string_param("inject", opt_inject);

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

    check(copy_from_guest(buf, unmapped, sizeof(buf)) == -EFAULT,
          "copy_from_guest(unmapped) = -EFAULT");
    check(copy_to_guest(unmapped, buf, sizeof(buf)) == -EFAULT,
          "copy_to_guest(unmapped) = -EFAULT");
    check(clear_guest(unmapped, sizeof(buf)) == -EFAULT,
          "clear_guest(unmapped) = -EFAULT");
    check(copy_from_guest(buf, noncanon, sizeof(buf)) == -EFAULT,
          "copy_from_guest(non-canonical) = -EFAULT");
    check(copy_from_guest(buf, HV_SELFTEST_HV_ADDR, 8) == -EFAULT,
          "copy_from_guest(hypervisor address) = -EFAULT");
    /* Past the range check: the faults themselves must be fixed up. */
    check(raw_copy_from_guest(buf, (void *)unmapped, sizeof(buf)) == sizeof(buf),
          "raw copy from unmapped faults (#PF) and is fixed up");
    check(raw_copy_from_guest(buf, (void *)noncanon, sizeof(buf)) == sizeof(buf),
          "raw copy from non-canonical faults (#GP) and is fixed up");
    check(raw_copy_from_guest(buf, &word, sizeof(word)) == 0 &&
          !memcmp(buf, &word, sizeof(word)),
          "raw copy from mapped memory succeeds");
}

static noinline void inject_ud(void)
{
    asm volatile("ud2");
}

static noinline void inject_pf(void)
{
    *(volatile uint64_t *)0 = 0;
}

static noinline void inject_gp(void)
{
    *(volatile uint64_t *)0x8000000000000000UL = 0;
}

static noinline void inject_de(void)
{
    asm volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
}

void run_selftests(void)
{
    if (!opt_selftest)
        return;
    selftest_guest_access();
    printk("selftest: %d failed\n", checks_failed);
}

void run_injection(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } kinds[] = {
        { "ud", inject_ud }, { "pf", inject_pf }, { "gp", inject_gp },
        { "de", inject_de },
    };

    if (!opt_inject[0])
        return;
    printk("Injecting '%s'\n", opt_inject);
    if (!strcmp(opt_inject, "panic"))
        panic("injected panic (inject=panic)");
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (!strcmp(opt_inject, kinds[i].name)) {
            kinds[i].fn();
            printk(HVLOG_ERR "inject=%s returned; no fault was raised\n",
                   opt_inject);
            return;
        }
    printk(HVLOG_WARNING "inject=%s: unknown kind (ud, pf, gp, de, panic)\n",
           opt_inject);
}
