/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * panic() and the crash path on the host (common/panic.c, crash-notes.c,
 * kexec.c over the fake arch, fake-arch.h): one winner, its note and the
 * other CPUs' notes, the hypervisor note, a CPU that panics at the same
 * moment keeping its own registers, re-entry going straight on once and
 * ending the run the second time, and the crash image run at the end.
 */
#include "harness.h"
#include "fake-arch.h"

#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/hypercall.h>
#include <hv/shutdown.h>
#include <public/elfnote.h>
#include <public/kexec.h>

/* A copy of CPU cpu's prstatus (the note's descriptor is 4-aligned). */
static struct hv_elf_prstatus note_of(unsigned int cpu)
{
    struct hv_elf_prstatus pr;
    maddr_t start;
    uint64_t size;

    ck_assert_int_eq(crash_note_range(CRASH_NOTE_CPU, cpu, &start, &size), 0);
    memcpy(&pr, (uint8_t *)maddr_to_virt(start) + 12 + 8, sizeof(pr));
    return pr;
}

static struct hv_crash_info crash_info_now(void)
{
    struct hv_crash_info ci;
    maddr_t start;
    uint64_t size;

    ck_assert_int_eq(crash_note_range(CRASH_NOTE_HVINFO, 0, &start, &size), 0);
    memcpy(&ci, (uint8_t *)maddr_to_virt(start) + 12 + 4, sizeof(ci));
    return ci;
}

static int panic_now(const char *why)
{
    panic("%s", why);
}

/* A crash image of one page in the crash region. */
static void load_crash_image(void)
{
    struct kexec_entry ents[2] = {
        { .op = KEXEC_OP_DEST, .arg0 = FAKE_CRASH_START },
        { .op = KEXEC_OP_COPY,
          .arg0 = mfn_x(fake_dom0_frame(0x5a)),
          .arg1 = 1 },
    };
    struct kexec_load hdr = {
        .size = sizeof(hdr),
        .type = KEXEC_TYPE_CRASH,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = FAKE_CRASH_START,
        .nr_entries = 2,
    };
    uint64_t gva = fake_guest_alloc(sizeof(ents) + sizeof(hdr));

    memcpy(fake_guest_ptr(gva), ents, sizeof(ents));
    hdr.entries = gva;
    memcpy(fake_guest_ptr(gva + sizeof(ents)), &hdr, sizeof(hdr));
    ck_assert_int_eq(FAKE_RUN(
                         do_kexec_op(KEXEC_CMD_kexec_load, gva + sizeof(ents))),
                     FAKE_RETURNED);
    ck_assert_int_eq(fake_ret, 0);
}

START_TEST(panic_without_an_image_ends_the_run)
{
    struct hv_crash_info ci;

    fake_machine_boot(NULL);
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("the reason")), FAKE_EXITED);
    ck_assert_uint_eq(fake_exit.code, EXIT_PANIC);
    ck_assert_str_eq(fake_console(), "(HV) Panic on CPU 0:\n(HV) the reason\n");
    ck_assert_uint_eq(fake_shootdowns, 1);
    ck_assert_uint_eq(fake_cpus_stopped, 3);
    ci = crash_info_now();
    ck_assert_uint_eq(ci.crashing_cpu, 0);
    ck_assert_uint_eq(ci.nr_cpus, 4);
    ck_assert_uint_eq(ci.cpus_saved, 0xf);
    ck_assert_uint_eq(ci.tsc_khz, 1000);
    ck_assert_str_eq(ci.reason, "the reason");
    ck_assert_uint_eq(ci.tsc_handoff, 0); /* no image: no handoff */
}
END_TEST

START_TEST(every_cpu_note_holds_its_own_registers)
{
    fake_machine_boot(NULL);
    fake_cpu = 2;
    ck_assert_int_eq(FAKE_RUN(panic_now("on CPU 2")), FAKE_EXITED);
    ck_assert_uint_eq(crash_info_now().crashing_cpu, 2);
    for (unsigned int cpu = 0; cpu < 4; cpu++) {
        struct hv_elf_prstatus pr = note_of(cpu);

        ck_assert_int_eq(pr.pr_pid, (int)cpu + 1);
        if (cpu == 2) /* the winner: where panic() was called */
            ck_assert(pr.pr_reg[PR_RIP] != fake_cpu_rip(cpu) &&
                      pr.pr_reg[PR_RIP] != 0);
        else /* what the stop found it running */
            ck_assert_uint_eq(pr.pr_reg[PR_RIP], fake_cpu_rip(cpu));
    }
}
END_TEST

START_TEST(panic_regs_saves_the_frame_given)
{
    struct cpu_user_regs r = { .rip = 0xfa017, .rsp = 0x5000, .rbp = 0x5010 };

    fake_machine_boot(NULL);
    ck_assert_int_eq(FAKE_RUN((panic_regs(&r, "fatal fault"), 0)), FAKE_EXITED);
    ck_assert_uint_eq(note_of(0).pr_reg[PR_RIP], 0xfa017);
    ck_assert_uint_eq(note_of(0).pr_reg[PR_RSP], 0x5000);
    ck_assert_uint_eq(note_of(0).pr_reg[PR_RBP], 0x5010);
}
END_TEST

START_TEST(panic_runs_the_crash_image)
{
    fake_machine_boot(NULL);
    load_crash_image();
    fake_console_clear();
    fake_cpu = 1;
    ck_assert_int_eq(FAKE_RUN(panic_now("dom0 crashed")), FAKE_KEXECED);
    ck_assert_uint_eq(fake_exit.type, KEXEC_TYPE_CRASH);
    ck_assert_uint_eq(fake_exit.cpu, 1);
    ck_assert(fake_exit.in_place);
    ck_assert_uint_eq(fake_console_count("kexec: running the crash image (in "
                                         "place), entry 0x2000000"),
                      1);
    ck_assert(crash_info_now().tsc_handoff > crash_info_now().tsc_panic);
}
END_TEST

START_TEST(a_racing_cpu_keeps_its_own_registers)
{
    struct hv_elf_prstatus pr;

    fake_machine_boot(NULL);
    load_crash_image();
    fake_racer_cpu = 3;
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("the first")), FAKE_KEXECED);
    ck_assert_uint_eq(fake_exit.cpu, 0);
    ck_assert_uint_eq(crash_info_now().crashing_cpu, 0);
    ck_assert_str_eq(crash_info_now().reason, "the first");
    /* The racer's note: where it entered panic, not what a stop found. */
    pr = note_of(3);
    ck_assert_int_eq(pr.pr_pid, 4);
    ck_assert(pr.pr_reg[PR_RIP] != fake_cpu_rip(3) && pr.pr_reg[PR_RIP]);
    ck_assert_uint_eq(fake_cpus_stopped, 3);
    ck_assert_uint_eq(fake_console_count("Panic: 1 other CPU panicked at the "
                                         "same time; its own registers kept"),
                      1);
    ck_assert_uint_eq(fake_console_count("crashed at the same moment"), 0);
}
END_TEST

/*
 * A CPU the shootdown gave up on takes its stop NMI (or panics) after the
 * crash image started: it must stop without writing its note.
 */
START_TEST(a_cpu_given_up_on_leaves_its_note_empty)
{
    struct cpu_user_regs late = { .rip = 0x1a7e, .rsp = 0x1a7e0 };

    fake_machine_boot(NULL);
    load_crash_image();
    fake_late_cpu = 2;
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("one CPU late")), FAKE_KEXECED);
    ck_assert_uint_eq(fake_cpus_stopped, 2);
    ck_assert_uint_eq(crash_info_now().cpus_saved, 0xb);
    ck_assert_uint_eq(
        fake_console_count(
            "Crash notes: 1 CPU note left empty (CPUs not stopped)"),
        1);
    ck_assert(crash_cpu_abandoned(2));
    ck_assert(!crash_cpu_abandoned(1) && !crash_cpu_abandoned(0));

    fake_cpu = 2; /* its NMI, late: it stops (true), and writes nothing */
    ck_assert(crash_on_stop(&late));
    crash_save_cpu_regs(&late); /* nor a late panic of its own */
    ck_assert_int_eq(note_of(2).pr_pid, 0);
    ck_assert_uint_eq(note_of(2).pr_reg[PR_RIP], 0);
    ck_assert_uint_eq(crash_info_now().cpus_saved, 0xb);
    ck_assert_int_eq(note_of(1).pr_pid, 2); /* the others keep theirs */
    ck_assert_uint_eq(note_of(1).pr_reg[PR_RIP], fake_cpu_rip(1));
}
END_TEST

START_TEST(the_late_wait_hook_reports_a_cpu_still_late)
{
    fake_machine_boot("crashkernel=16M@32M debug-inject "
                      "crash_test_late_wait_ms=5");
    load_crash_image();
    fake_late_cpu = 3;
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("one CPU late")), FAKE_KEXECED);
    ck_assert_uint_eq(fake_console_count("Crash notes: CPU 3 did not stop in "
                                         "5 ms more"),
                      1);
    ck_assert_uint_eq(fake_console_count("Crash notes: waited "), 1);
    ck_assert_uint_eq(fake_console_count("stopped late"), 0);
}
END_TEST

START_TEST(every_cpu_answering_abandons_no_note)
{
    fake_machine_boot(NULL);
    load_crash_image();
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("all answer")), FAKE_KEXECED);
    ck_assert_uint_eq(crash_info_now().cpus_saved, 0xf);
    ck_assert_uint_eq(fake_console_count("Crash notes:"), 0);
    for (unsigned int cpu = 0; cpu < 4; cpu++)
        ck_assert(!crash_cpu_abandoned(cpu));
}
END_TEST

START_TEST(reentry_goes_straight_on_once)
{
    fake_machine_boot(NULL);
    load_crash_image();
    crash_test_panics_inside = 1;
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("first")), FAKE_KEXECED);
    ck_assert_uint_eq(fake_console_count("Panic re-entered on CPU 0 (crash "
                                         "test: panic inside the crash path "
                                         "(0 more to come)); going straight "
                                         "on"),
                      1);
    ck_assert_uint_eq(fake_shootdowns, 1); /* not again */
    ck_assert_str_eq(crash_info_now().reason, "first");
}
END_TEST

START_TEST(second_reentry_ends_the_run)
{
    fake_machine_boot(NULL);
    load_crash_image();
    crash_test_panics_inside = 2;
    fake_console_clear();
    ck_assert_int_eq(FAKE_RUN(panic_now("first")), FAKE_EXITED);
    ck_assert_uint_eq(fake_exit.code, EXIT_PANIC);
    ck_assert_uint_eq(fake_console_count("Panic re-entered a second time on "
                                         "CPU 0"),
                      1);
    ck_assert_uint_eq(fake_console_count("running the crash image"), 0);
}
END_TEST

START_TEST(vmcoreinfo_has_the_common_and_the_arch_lines)
{
    size_t size;
    const char *note;

    fake_machine_boot(NULL);
    note = crash_vmcoreinfo(&size);
    ck_assert(size > 24);
    ck_assert(!memcmp(note + 12, "VMCOREINFO", 11));
    ck_assert(strstr(note + 24, "PAGESIZE=4096\n"));
    ck_assert(strstr(note + 24, "BUILD-ID=fake-arch\n"));
    ck_assert(strstr(note + 24, "LOADER=fake\n"));
    ck_assert(strstr(note + 24, "NUMBER(NR_CPUS)=8\n"));
    ck_assert(strstr(note + 24, "NUMBER(image_maddr)=200000\n"));
    ck_assert(strstr(note + 24, "NUMBER(FAKE_ARCH)=1\n"));
}
END_TEST

START_TEST(printk_formats_symbols_and_prefixes_lines)
{
    fake_machine_boot(NULL);
    fake_console_clear();
    printk("at %pS\nsecond line\n", (void *)0x1004);
    printk(HVLOG_DEBUG "not at loglvl 2\n");
    ck_assert_str_eq(fake_console(),
                     "(HV) at fake_symbol+0x4/0x10\n(HV) second line\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("panic");
    TCase *tc = tcase_create("crash path");

    tcase_add_test(tc, panic_without_an_image_ends_the_run);
    tcase_add_test(tc, every_cpu_note_holds_its_own_registers);
    tcase_add_test(tc, panic_regs_saves_the_frame_given);
    tcase_add_test(tc, panic_runs_the_crash_image);
    tcase_add_test(tc, a_racing_cpu_keeps_its_own_registers);
    tcase_add_test(tc, a_cpu_given_up_on_leaves_its_note_empty);
    tcase_add_test(tc, every_cpu_answering_abandons_no_note);
    tcase_add_test(tc, the_late_wait_hook_reports_a_cpu_still_late);
    tcase_add_test(tc, reentry_goes_straight_on_once);
    tcase_add_test(tc, second_reentry_ends_the_run);
    tcase_add_test(tc, vmcoreinfo_has_the_common_and_the_arch_lines);
    tcase_add_test(tc, printk_formats_symbols_and_prefixes_lines);
    suite_add_tcase(s, tc);
    return harness_run(s);
}
