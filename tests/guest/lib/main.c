/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_main: check start_info, print what the guest was given, run the
 * tests named by test= on the command line, print the verdict and power
 * off.
 */
#include "guest.h"
#include "asm-defs.h"

_Static_assert(__builtin_offsetof(struct start_info, hypercall_page) ==
                   SI_HYPERCALL_PAGE,
               "asm-defs.h: SI_HYPERCALL_PAGE");
_Static_assert(__builtin_offsetof(struct start_info, stack_top) == SI_STACK_TOP,
               "asm-defs.h: SI_STACK_TOP");
_Static_assert(__HYPERVISOR_sched_op == HC_SCHED_OP, "asm-defs.h");
_Static_assert(HYPERCALL_STUB_SIZE == HC_STUB_SIZE, "asm-defs.h");
_Static_assert(SCHEDOP_shutdown == HC_SCHEDOP_SHUTDOWN, "asm-defs.h");
_Static_assert(SHUTDOWN_poweroff == HC_SHUTDOWN_POWEROFF, "asm-defs.h");
_Static_assert(SHUTDOWN_crash == HC_SHUTDOWN_CRASH, "asm-defs.h");

const struct start_info *si;
uint64_t hypercall_page_va;

/*
 * Never guest memory: unmapped low memory, the hypervisor's image, a
 * non-canonical address.  (tests/hypercalls.c adds an unmapped page of
 * the scratch window.)
 */
const uint64_t bad_guest_ptrs[] = {
    0x1000UL,
    0xffff82d040000000UL,
    0x8000000000000000UL,
};
const unsigned int nr_bad_guest_ptrs = ARRAY_SIZE(bad_guest_ptrs);

long hc_shutdown(uint32_t reason)
{
    struct sched_shutdown s = { .reason = reason };

    return hc_sched_op(SCHEDOP_shutdown, PTR(&s));
}

extern const char __image_start[], __image_end[];

#define MAX_SELECTED 16

struct selection {
    const struct test_desc *tests[MAX_SELECTED];
    unsigned int nr;
    bool list;
    bool bad;
};

static const struct test_desc *find_test(const char *name, size_t len)
{
    for (const struct test_desc *t = __tests_start; t < __tests_end; t++)
        if (strlen(t->name) == len && !strncmp(t->name, name, len))
            return t;
    return NULL;
}

static void select_one(const char *name, size_t len, void *arg)
{
    struct selection *sel = arg;
    const struct test_desc *t;

    if (len == 4 && !strncmp(name, "list", 4)) {
        sel->list = true;
        return;
    }
    t = find_test(name, len);
    if (!t) {
        printf("ERROR: dom0: unknown test '%.*s' (test=list shows the names)\n",
               (int)len, name);
        sel->bad = true;
        return;
    }
    if (sel->nr == MAX_SELECTED) {
        printf("ERROR: dom0: more than %d tests selected\n", MAX_SELECTED);
        sel->bad = true;
        return;
    }
    sel->tests[sel->nr++] = t;
}

static void print_start_info(void)
{
    printf("dom0: start_info at %p: version %u flags %#x%s%s\n", (void *)si,
           si->version, si->flags,
           (si->flags & SIF_PRIVILEGED) ? " privileged" : "",
           (si->flags & SIF_INITDOMAIN) ? " initdomain" : "");
    printf("dom0: nr_pages %lu p2m_list %#lx p2m_size %lu first_free_gfn %lu\n",
           si->nr_pages, si->p2m_list, si->p2m_size, si->first_free_gfn);
    printf("dom0: pt_base %#lx pt_view %#lx nr_pt_frames %lu\n", si->pt_base,
           si->pt_view, si->nr_pt_frames);
    printf("dom0: scratch_va %#lx scratch_l1_mfn %#lx hypercall_page %#lx "
           "stack_top %#lx\n",
           si->scratch_va, si->scratch_l1_mfn, si->hypercall_page,
           si->stack_top);
    for (uint32_t i = 0; i < si->nr_modules && i < START_MAX_MODULES; i++)
        printf("dom0: module %u: va %#lx size %lu first_gfn %lu '%.*s'\n", i,
               si->modules[i].va, si->modules[i].size, si->modules[i].first_gfn,
               (int)sizeof(si->modules[i].cmdline), si->modules[i].cmdline);
    printf("dom0: cmdline '%.*s'\n", (int)sizeof(si->cmd_line), si->cmd_line);
}

void guest_main(const struct start_info *start);
void guest_main(const struct start_info *start)
{
    struct selection sel = { .nr = 0 };
    enum test_status worst = TEST_SUCCESS;

    si = start;
    hypercall_page_va = start->hypercall_page;

    printf("dom0: test guest, image %p - %p\n", (void *)__image_start,
           (void *)__image_end);
    if (memcmp(si->magic, START_INFO_MAGIC, sizeof(START_INFO_MAGIC)) ||
        si->version != START_INFO_VERSION)
        report_verdict(TEST_ERROR, "start_info: bad magic or version");
    print_start_info();

    cmdline_for_each("test", select_one, &sel);
    if (sel.bad)
        report_verdict(TEST_ERROR, "bad test selection, nothing run");
    if (sel.list) {
        printf("dom0: tests:\n");
        for (const struct test_desc *t = __tests_start; t < __tests_end; t++)
            printf("dom0:   %-14s %s\n", t->name, t->summary);
        if (!sel.nr) {
            hc_shutdown(SHUTDOWN_poweroff);
            report_verdict(TEST_ERROR, "shutdown returned");
        }
    }
    if (!sel.nr)
        report_verdict(TEST_ERROR, "no test=NAME on the command line "
                                   "(test=list shows the names)");

    for (unsigned int i = 0; i < sel.nr; i++) {
        enum test_status st;

        report_begin(sel.tests[i]->name);
        sel.tests[i]->fn();
        st = report_end();
        if (st > worst)
            worst = st;
    }
    report_verdict(worst, NULL);
}
