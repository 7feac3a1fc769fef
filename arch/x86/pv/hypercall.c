/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall dispatch (numbers and convention: include/public/xen.h) and
 * the small hypercalls: console_io, xen_version, sched_op.
 */
#include <asm/desc.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/uart.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/inject.h>
#include <hv/lib.h>
#include <hv/page-alloc.h>
#include <asm/pv.h>
#include <hv/version.h>
#include <public/xen.h>

typedef long (*hypercall_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t,
                               uint64_t);
#define HC(fn) ((hypercall_fn_t)(void (*)(void))(fn))

static const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [__HYPERVISOR_mmu_update] = HC(do_mmu_update),
    [__HYPERVISOR_memory_op] = HC(do_memory_op),
    [__HYPERVISOR_update_va_mapping] = HC(do_update_va_mapping),
    [__HYPERVISOR_xen_version] = HC(do_xen_version),
    [__HYPERVISOR_console_io] = HC(do_console_io),
    [__HYPERVISOR_sched_op] = HC(do_sched_op),
    [__HYPERVISOR_kexec_op] = HC(do_kexec_op),
    [__HYPERVISOR_debug_op] = HC(do_debug_op),
};

void do_hypercall(struct cpu_user_regs *regs)
{
    struct domain *d = get_cpu_info()->current;
    uint64_t nr = regs->rax;

    if (nr >= NR_HYPERCALLS || !hypercall_table[nr]) {
        guest_refusal("hypercall", -ENOSYS, "unknown hypercall %lu",
                      (unsigned long)nr);
        regs->rax = -ENOSYS;
    } else {
        regs->rax = hypercall_table[nr](regs->rdi, regs->rsi, regs->rdx,
                                        regs->r10, regs->r8);
    }
    /*
     * The return path (iretq) would fault in the hypervisor on a
     * non-canonical RIP: the guest's problem, not ours.
     */
    if (!is_canonical(regs->rip))
        domain_crash(d, "hypercall return to non-canonical RIP %016lx",
                     (unsigned long)regs->rip);
}

/* ---- console_io --------------------------------------------------------- */

/*
 * Guest text goes out line by line as "(d0) ...", like Xen's; each line
 * asks the guest-line limiter (common/domain.c) first.
 */
static void guest_console_put(struct domain *d, const char *s, size_t n)
{
    static char line[256];
    static size_t len;

    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n' && len < sizeof(line) - 1) {
            line[len++] = s[i];
            continue;
        }
        if (guest_line_allowed(d, GUEST_LINE_CONSOLE)) {
            console_write("(d0) ", 5);
            console_write(line, len);
            console_write("\n", 1);
        }
        len = 0;
        if (s[i] != '\n')
            line[len++] = s[i];
    }
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf)
{
    struct domain *d = get_cpu_info()->current;
    char chunk[128];

    switch (cmd) {
    case CONSOLEIO_write:
        if (count > CONSOLEIO_MAX) {
            guest_refusal("console_io", -E2BIG, "write of %lu bytes > %u",
                          (unsigned long)count, CONSOLEIO_MAX);
            return -E2BIG;
        }
        /* Check all of it first, so a bad buffer prints nothing. */
        if (!guest_range_ok(_vaddr(buf), count)) {
            guest_refusal("console_io", -EFAULT, "buffer %#lx not guest memory",
                          (unsigned long)buf);
            return -EFAULT;
        }
        for (uint64_t done = 0; done < count;) {
            size_t n = MIN(count - done, sizeof(chunk));

            if (copy_from_guest(chunk, _vaddr(buf + done), n)) {
                guest_refusal("console_io", -EFAULT, "buffer %#lx unreadable",
                              (unsigned long)(buf + done));
                return -EFAULT;
            }
            guest_console_put(d, chunk, n);
            done += n;
        }
        return 0;
    case CONSOLEIO_read: {
        uint64_t n = 0;
        int c;

        if (!d->privileged) {
            guest_refusal("console_io", -EPERM,
                          "read needs a privileged domain");
            return -EPERM;
        }
        /* Checked before any input is taken (include/public/xen.h). */
        if (!guest_range_ok(_vaddr(buf), MIN(count, sizeof(chunk)))) {
            guest_refusal("console_io", -EFAULT,
                          "read buffer %#lx not guest memory",
                          (unsigned long)buf);
            return -EFAULT;
        }
        while (n < count && n < sizeof(chunk) && (c = uart_getc()) >= 0)
            chunk[n++] = (char)c;
        if (copy_to_guest(_vaddr(buf), chunk, n)) {
            guest_refusal("console_io", -EFAULT, "buffer %#lx unwritable",
                          (unsigned long)buf);
            return -EFAULT;
        }
        return (long)n;
    }
    default:
        guest_refusal("console_io", -EOPNOTSUPP, "unknown command %lu",
                      (unsigned long)cmd);
        return -EOPNOTSUPP;
    }
}

/* ---- xen_version -------------------------------------------------------- */

long do_xen_version(uint64_t cmd, uint64_t arg)
{
    struct domain *d = get_cpu_info()->current;

    switch (cmd) {
    case XENVER_version:
        return (HV_VERSION_MAJOR << 16) | HV_VERSION_MINOR;
    case XENVER_extraversion: {
        char extra[XEN_EXTRAVERSION_LEN] = HV_EXTRAVERSION;

        if (copy_to_guest(_vaddr(arg), extra, sizeof(extra))) {
            guest_refusal("xen_version", -EFAULT, "buffer %#lx unwritable",
                          (unsigned long)arg);
            return -EFAULT;
        }
        return 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;

        if (copy_from_guest(&fi, _vaddr(arg), sizeof(fi))) {
            guest_refusal("xen_version", -EFAULT, "buffer %#lx unreadable",
                          (unsigned long)arg);
            return -EFAULT;
        }
        fi.submap = 0;
        if (fi.submap_idx == 0) {
            if (pv_page_user_forced)
                fi.submap |= XENFEAT_page_user_forced;
            if (d->privileged)
                fi.submap |= XENFEAT_kexec;
        }
        if (copy_to_guest(_vaddr(arg), &fi, sizeof(fi))) {
            guest_refusal("xen_version", -EFAULT, "buffer %#lx unwritable",
                          (unsigned long)arg);
            return -EFAULT;
        }
        return 0;
    }
    default:
        guest_refusal("xen_version", -EOPNOTSUPP, "unknown command %lu",
                      (unsigned long)cmd);
        return -EOPNOTSUPP;
    }
}

/* ---- sched_op ----------------------------------------------------------- */

long do_sched_op(uint64_t cmd, uint64_t arg)
{
    struct domain *d = get_cpu_info()->current;
    struct sched_shutdown sd;

    switch (cmd) {
    case SCHEDOP_yield:
        debug_key_poll(); /* dom0 idles here: the serial debug key */
        return 0;         /* one vCPU: nothing else to run */
    case SCHEDOP_shutdown:
        if (copy_from_guest(&sd, _vaddr(arg), sizeof(sd))) {
            guest_refusal("sched_op", -EFAULT,
                          "shutdown argument %#lx unreadable",
                          (unsigned long)arg);
            return -EFAULT;
        }
        switch (sd.reason) {
        case SHUTDOWN_poweroff:
        case SHUTDOWN_reboot:
            domain_shutdown(d, sd.reason);
        case SHUTDOWN_crash:
            domain_crash(d, "requested crash (SCHEDOP_shutdown)");
        default:
            guest_refusal("sched_op", -EINVAL, "unknown shutdown reason %u",
                          sd.reason);
            return -EINVAL;
        }
    default:
        guest_refusal("sched_op", -EOPNOTSUPP, "unknown command %lu",
                      (unsigned long)cmd);
        return -EOPNOTSUPP;
    }
}

/* ---- debug_op ---------------------------------------------------------- */

/*
 * DEBUGOP_bench_copy (include/public/xen.h): the hypervisor's own copy
 * speed over the same bytes a benchmark's load copies, in the same boot,
 * so that a load's throughput is judged against the machine's.
 */
static long bench_copy(uint64_t arg)
{
    struct debug_bench_copy bc;
    uint64_t pages, t0, t1, t2, t3, flags;
    mfn_t src, dst;
    uint8_t *s, *dd;

    if (copy_from_guest(&bc, _vaddr(arg), sizeof(bc))) {
        guest_refusal("debug_op", -EFAULT,
                      "bench_copy argument %#lx unreadable",
                      (unsigned long)arg);
        return -EFAULT;
    }
    if (!bc.bytes || bc.bytes > DEBUG_BENCH_COPY_MAX ||
        (bc.bytes & (PAGE_SIZE - 1))) {
        guest_refusal("debug_op", -EINVAL,
                      "bench_copy of %lu bytes (want a "
                      "multiple of 4096, at most %lu)",
                      (unsigned long)bc.bytes, DEBUG_BENCH_COPY_MAX);
        return -EINVAL;
    }
    pages = bc.bytes >> PAGE_SHIFT;
    src = alloc_frames(pages, 1, _mfn(0));
    dst = mfn_is_invalid(src) ? INVALID_MFN : alloc_frames(pages, 1, _mfn(0));
    if (mfn_is_invalid(dst)) {
        if (!mfn_is_invalid(src))
            free_frames(src, pages);
        guest_refusal("debug_op", -ENOMEM,
                      "bench_copy: no 2 x %lu contiguous "
                      "frames",
                      (unsigned long)pages);
        return -ENOMEM;
    }
    s = mfn_to_virt(src);
    dd = mfn_to_virt(dst);
    memset(s, 0x5a, bc.bytes); /* first touches are not timed */
    memset(dd, 0, bc.bytes);
    flags = read_rflags();
    local_irq_disable();
    t0 = rdtsc();
    memcpy(dd, s, bc.bytes);
    t1 = rdtsc();
    copy_pages(dd, s, pages);
    t2 = rdtsc();
    for (uint64_t off = 0; off < bc.bytes; off += PAGE_SIZE)
        memcpy(dd + off, s + off, PAGE_SIZE);
    t3 = rdtsc();
    if (flags & X86_EFLAGS_IF)
        local_irq_enable();
    free_frames(src, pages);
    free_frames(dst, pages);
    bc.tsc_khz = tsc_khz;
    bc.memcpy_cycles = t1 - t0;
    bc.movsq_cycles = t2 - t1;
    bc.memcpy_page_cycles = t3 - t2;
    if (copy_to_guest(_vaddr(arg), &bc, sizeof(bc))) {
        guest_refusal("debug_op", -EFAULT,
                      "bench_copy argument %#lx unwritable",
                      (unsigned long)arg);
        return -EFAULT;
    }
    return 0;
}

long do_debug_op(uint64_t cmd, uint64_t arg)
{
    struct domain *d = get_cpu_info()->current;
    char kind[16];

    if (!d->privileged) {
        guest_refusal("debug_op", -EPERM, "needs a privileged domain");
        return -EPERM;
    }
    if (cmd == DEBUGOP_free_frames) {
        struct frame_stats st;

        frames_get_stats(&st);
        return (long)st.free;
    }
    if (cmd == DEBUGOP_bench_copy) {
        if (!opt_debug_inject) {
            guest_refusal("debug_op", -EOPNOTSUPP,
                          "bench_copy needs the boot option debug-inject");
            return -EOPNOTSUPP;
        }
        return bench_copy(arg);
    }
    if (cmd == DEBUGOP_fail_alloc) {
        if (!opt_debug_inject) {
            guest_refusal("debug_op", -EOPNOTSUPP,
                          "fail_alloc needs the boot option debug-inject");
            return -EOPNOTSUPP;
        }
        return (long)frames_test_fail_alloc(arg);
    }
    if (cmd != DEBUGOP_inject) {
        guest_refusal("debug_op", -EOPNOTSUPP, "unknown command %lu",
                      (unsigned long)cmd);
        return -EOPNOTSUPP;
    }
    /* A guest may kill the machine only in a boot made for testing. */
    if (!opt_debug_inject) {
        guest_refusal("debug_op", -EOPNOTSUPP,
                      "crash injection needs the boot option debug-inject");
        return -EOPNOTSUPP;
    }
    if (copy_from_guest(kind, _vaddr(arg), sizeof(kind))) {
        guest_refusal("debug_op", -EFAULT, "name %#lx unreadable",
                      (unsigned long)arg);
        return -EFAULT;
    }
    kind[sizeof(kind) - 1] = '\0';
    if (inject_crash(kind)) {
        guest_refusal("debug_op", -EINVAL, "unknown crash kind '%s'", kind);
        return -EINVAL;
    }
    return 0;
}

/* ---- guest faults ------------------------------------------------------- */

void pv_guest_fault(struct cpu_user_regs *regs)
{
    struct domain *d = get_cpu_info()->current;

    domain_crash(
        d, "fatal %s at RIP %016lx, error code %#x, CR2 %016lx, RSP %016lx",
        trap_name(regs->entry_vector), (unsigned long)regs->rip,
        regs->error_code, (unsigned long)read_cr2(), (unsigned long)regs->rsp);
}

/* ---- per-CPU set-up for guests ------------------------------------------ */

void pv_allow_io_ports(unsigned int first, unsigned int count)
{
    struct cpu_info *ci = get_cpu_info();

    for (unsigned int p = first; p < first + count && p < IO_BITMAP_PORTS; p++)
        ci->io_bitmap[p / 8] &= ~(1u << (p % 8));
}

extern const char syscall_entry[];

void pv_init_cpu(void)
{
    /*
     * sysret base 0x18: user CS = 0x2b, SS = 0x23; kernel CS 0x08, SS 0x10.
     * (A 64-bit sysret loads CS = base + 16, SS = base + 8 without reading
     * the descriptors; the base slot itself, GUEST_CS32, is null.)
     */
    wrmsr(MSR_STAR,
          ((uint64_t)(GUEST_CS32 & ~3) << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /*
     * A syscall from compat mode enters at CSTAR.  Guests are 64-bit only:
     * the GDT's 32-bit ring-3 slot (GUEST_CS32) is a null descriptor
     * (traps.c), there is no LDT, so no guest reaches compat mode.  Should
     * one ever, CSTAR is not left at whatever firmware put there: it is the
     * same entry as LSTAR, whose first act is to leave the guest's stack,
     * and whose frame returns to 64-bit GUEST_CS.
     */
    wrmsr(MSR_CSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_AC | 0x100 /* TF */ |
                                0x400 /* DF */ | 0x4000 /* NT */);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)get_cpu_info());
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
