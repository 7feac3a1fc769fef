/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kexec_op (include/public/kexec.h): privilege, the "kexec is safe" gate,
 * the entry list copied in once, validation (common/kimage.c), the image
 * slots, atomic replacement, and the crash path's entry, kexec_crash().
 *
 * Order of a load: every check, then the build (arch), then one pointer
 * store makes the new image the active one; the old image is freed last.
 * A refused or failed load therefore leaves the loaded images untouched.
 *
 * CRASH images (docs/kexec.md, "CRASH images: atomic replacement"): the new image is built staged, as
 * if it were a DEFAULT image whose destinations are in the crash region,
 * and becomes the active crash image in that form; a crash now would copy
 * it into place and run it, whole.  Only then is the region rewritten
 * (machine_kexec_place), after which the image runs in place, and the
 * region is write protected again.  The old image is never run torn: it
 * stops being active before its pages are touched.  The first CRASH image
 * (none active) is not staged: once the build has succeeded, its pages
 * are copied from the guest's frames into the region, then it becomes
 * active; a refused or failed load has written nothing there.
 */
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <hv/hypercall.h>
#include <hv/kexec.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/param.h>
#include <public/kexec.h>

static uint64_t opt_max_entries = 1UL << 20;
integer_param("kexec_max_entries", opt_max_entries);
/* The option's own ceiling: the list's size in bytes must not overflow. */
#define KEXEC_MAX_ENTRIES_CEILING (1UL << 28)

/*
 * The limits: what get_limits reports is what load enforces, from this
 * one function.  MAP pages have the same bound as destination pages: the
 * page-table work of one load is then at most twice what the image is.
 */
static struct kexec_limits kexec_limits(void)
{
    return (struct kexec_limits){
        .max_entries = MIN(opt_max_entries, KEXEC_MAX_ENTRIES_CEILING),
        .max_pages = mfn_x(frames_max_mfn()),
        .phys_limit = 1ULL << arch_phys_addr_bits(),
        .entry_size = sizeof(struct kexec_entry),
        .load_size = sizeof(struct kexec_load),
        .max_map_pages = mfn_x(frames_max_mfn()),
    };
}
/* Test hooks (docs/command-line.md). */
static uint64_t opt_reload_panic_after;
test_integer_param("kexec_test_reload_panic", opt_reload_panic_after);
/*
 * kexec_test_reload_panic_at=NAME: panic at the named point of a crash
 * reload's install(), in this order (before_active runs the old image,
 * every later one the new):
 *   before_active    install() entered, the old image still active
 *   after_active     the staged new image made active, region untouched
 *   after_unprotect  the region made writable
 *   before_writes    the VMCOREINFO copy refreshed, no page written yet
 *   after_writes     every page written, in place, region still writable
 *   before_protect   the image stored again, just before the protection
 *   after_protect    the region write protected, the old image not freed
 *   after_free       the old image freed, just before install() returns
 */
static char opt_reload_panic_at[16];
test_string_param("kexec_test_reload_panic_at", opt_reload_panic_at);
uint64_t kexec_test_remote_panic_us;
test_integer_param("kexec_test_reload_remote_panic",
                   kexec_test_remote_panic_us);
volatile uint64_t kexec_test_reload_start;
const char *volatile kexec_test_reload_phase = "none";
bool kexec_test_fault_in_handoff, kexec_test_fault_in_reloc;
bool kexec_test_fault_in_32, kexec_test_arm_timers;
test_boolean_param("kexec_test_handoff_fault", kexec_test_fault_in_handoff);
test_boolean_param("kexec_test_reloc_fault", kexec_test_fault_in_reloc);
test_boolean_param("kexec_test_fault32", kexec_test_fault_in_32);
test_boolean_param("kexec_test_arm_timers", kexec_test_arm_timers);
bool kexec_test_bench_reloc;
test_boolean_param("kexec_test_bench_reloc", kexec_test_bench_reloc);
/*
 * kexec_test_corrupt_crash=OFFSET+1: after each crash load, flip the byte
 * at crash region + OFFSET (0: off), as memory corruption between the load
 * and the crash would.  For purgatory's digest check.
 */
static uint64_t opt_corrupt_crash;
test_integer_param("kexec_test_corrupt_crash", opt_corrupt_crash);

/* The active image of each type; read by the crash path without a lock. */
static struct kexec_image *volatile kexec_image[2];
static unsigned int slot_generation[2];
/* One kexec_op at a time, over every vCPU: taken by compare-exchange. */
static bool kexec_op_busy;

/*
 * The crash region is what crashkernel= reserved.  Its last page holds a
 * safe copy of the VMCOREINFO note (written at boot and refreshed at
 * every CRASH load, while the region is writable); CRASH images get the
 * rest, the crash load range, which get_range(MA_CRASH) reports.  The
 * write protection covers the whole region.
 */
static uint64_t crash_load_range_size(void)
{
    return crash_region.size ? crash_region.size - PAGE_SIZE : 0;
}

static maddr_t vmcoreinfo_safe_copy_maddr(void)
{
    return maddr_add(crash_region.start, crash_region.size - PAGE_SIZE);
}

static void vmcoreinfo_safe_copy(void)
{
    size_t size;
    const void *note = crash_vmcoreinfo(&size);

    if (crash_region.size && size <= PAGE_SIZE)
        memcpy(maddr_to_virt(vmcoreinfo_safe_copy_maddr()), note, size);
}

void kexec_init(void)
{
    vmcoreinfo_safe_copy();
}

/* ---- the machine as validation sees it ---------------------------------- */

static bool kx_frame_owned(void *ctx, mfn_t mfn)
{
    return mfn_valid(mfn) && frame_info(mfn)->owner == OWNER_DOM0;
}

static bool kx_is_ram(void *ctx, maddr_t start_ma, uint64_t size)
{
    uint64_t start = maddr_x(start_ma);

    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct mem_region *r = &boot_info.mem[i];

        if (r->type == MEM_RAM && start >= maddr_x(r->start) &&
            start + size <= maddr_x(r->start) + r->size)
            return true;
    }
    return false;
}

static int kexec_refuse(int err, const char *fmt, ...) __printf(2, 3);
static int kexec_refuse(int err, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    guest_refusal("kexec_op", err, "%s", why);
    return err;
}

/*
 * Whether the list [va, va + bytes) can be read, tried on each of its
 * pages before the hypervisor allocates its copy: an unreadable list is
 * -EFAULT whatever the hypervisor's free memory (kexec.h, the order).
 */
static bool guest_list_readable(vaddr_t list, uint64_t bytes)
{
    uint64_t va = vaddr_x(list);
    uint8_t byte;

    if (!guest_range_ok(list, bytes))
        return false;
    for (uint64_t p = va; p - va < bytes; p = (p | (PAGE_SIZE - 1)) + 1)
        if (copy_from_guest(&byte, _vaddr(p), 1))
            return false;
    return !copy_from_guest(&byte, vaddr_add(list, bytes - 1), 1);
}

static int check_safe(struct domain *d, const char *what)
{
    if (d->kexec_safe)
        return 0;
    return kexec_refuse(-ENOTRECOVERABLE, "%s refused: kexec is not safe: %s",
                        what, d->kexec_unsafe_reason);
}

/* ---- load ------------------------------------------------------------ */

/* A named point of a crash reload: recorded for the remote panic's line,
   and the panic of kexec_test_reload_panic_at. */
static void reload_point(const char *name)
{
    kexec_test_reload_phase = name;
    if (!strcmp(opt_reload_panic_at, name))
        panic("kexec test: panic at reload point %s", name);
}

static void install(struct kexec_image *img)
{
    struct kexec_image *old = kexec_image[img->type];
    bool reload = old && img->type == KEXEC_TYPE_CRASH;
    uint64_t t0 = arch_timestamp();

    if (img->type == KEXEC_TYPE_DEFAULT) {
        __atomic_store_n(&kexec_image[KEXEC_TYPE_DEFAULT], img,
                         __ATOMIC_SEQ_CST);
        machine_kexec_free(old);
        return;
    }
    if (reload) {
        kexec_test_reload_start = t0;
        reload_point("before_active");
    }
    /* Staged new image becomes the crash image: old is no longer run.  An
       unstaged one (no old image) is placed first, then made active. */
    if (!img->unstaged)
        __atomic_store_n(&kexec_image[KEXEC_TYPE_CRASH], img, __ATOMIC_SEQ_CST);
    if (reload)
        reload_point("after_active");
    machine_kexec_protect_region(false);
    if (reload)
        reload_point("after_unprotect");
    vmcoreinfo_safe_copy();
    if (reload) {
        reload_point("before_writes");
        kexec_test_reload_phase = "writes";
    }
    machine_kexec_place(img, old ? opt_reload_panic_after : 0);
    if (reload)
        reload_point("after_writes");
    __atomic_store_n(&kexec_image[KEXEC_TYPE_CRASH], img, __ATOMIC_SEQ_CST);
    if (opt_corrupt_crash && opt_corrupt_crash <= crash_region.size) {
        volatile uint8_t *p = maddr_to_virt(
            maddr_add(crash_region.start, opt_corrupt_crash - 1));

        *p ^= 0x01;
        printk(HVLOG_WARNING "kexec: test: flipped bit 0 of the byte at %#lx "
                             "in the crash region\n",
               (unsigned long)(maddr_x(crash_region.start) + opt_corrupt_crash -
                               1));
    }
    if (reload)
        reload_point("before_protect");
    machine_kexec_protect_region(true);
    if (reload)
        reload_point("after_protect");
    machine_kexec_free(old);
    if (reload) {
        reload_point("after_free");
        kexec_test_reload_phase = "returned";
        /* The remote panic's delays are chosen from this. */
        if (kexec_test_remote_panic_us)
            printk("kexec: test: the reload took %lu us\n",
                   (unsigned long)((arch_timestamp() - t0) * 1000 /
                                   arch_ticks_per_ms()));
    }
}

/* The machine as kimage_validate() sees it, with the limits it enforces. */
static struct kimage_machine validation_machine(void)
{
    const struct kexec_limits lim = kexec_limits();

    return (struct kimage_machine){
        .frame_owned = kx_frame_owned,
        .is_ram = kx_is_ram,
        .phys_limit = lim.phys_limit,
        .hv_start = maddr_x(boot_info.image_start),
        .hv_end = maddr_x(boot_info.image_end),
        .crash_load_start = maddr_x(crash_region.start),
        .crash_load_size = crash_load_range_size(),
        .max_entries = lim.max_entries,
        .max_pages = lim.max_pages,
        .max_map_pages = lim.max_map_pages,
    };
}

/*
 * The header's rules, before the list is read: the list is not copied
 * for a bad header.  The count is kimage_validate_header()'s first rule
 * too; here it gets a line with the numbers.
 */
static int check_load_header(const struct kexec_load *hdr,
                             const struct kimage_machine *m, uint64_t *bad)
{
    const char *why = "";
    int rc;

    if (hdr->nr_entries > m->max_entries)
        return kexec_refuse(-E2BIG, "load: %lu entries, the limit is %lu",
                            (unsigned long)hdr->nr_entries,
                            (unsigned long)m->max_entries);
    rc = kimage_validate_header(hdr, m, bad, &why);
    if (rc)
        return kexec_refuse(rc, "load refused: %s", why);
    return 0;
}

/* Hypervisor frames holding a copy of something, freed by frames_put(). */
struct frames_copy {
    mfn_t mfn;
    uint64_t pages;
};

static void *frames_get(struct frames_copy *c, uint64_t bytes)
{
    c->pages = ROUNDUP(bytes, PAGE_SIZE) >> PAGE_SHIFT;
    c->mfn = alloc_frames(c->pages, 1, _mfn(0));
    return mfn_is_invalid(c->mfn) ? NULL : mfn_to_virt(c->mfn);
}

static void frames_put(struct frames_copy *c)
{
    if (!mfn_is_invalid(c->mfn))
        free_frames(c->mfn, c->pages);
    c->mfn = INVALID_MFN;
}

/*
 * The one read of the list from the guest, into hypervisor frames: what
 * is validated is what is built.  Readability is tried first, so that an
 * unreadable list is -EFAULT whatever the hypervisor's free memory.
 */
static int copy_list_in(const struct kexec_load *hdr, struct frames_copy *c,
                        struct kexec_entry **ents)
{
    uint64_t bytes = hdr->nr_entries * sizeof(**ents);

    if (!guest_list_readable(_vaddr(hdr->entries), bytes))
        return kexec_refuse(-EFAULT, "load: entry list %#lx unreadable",
                            (unsigned long)hdr->entries);
    *ents = frames_get(c, bytes);
    if (!*ents)
        return kexec_refuse(-ENOMEM, "load: no memory for %lu entries",
                            (unsigned long)hdr->nr_entries);
    /* Its pages were readable a moment ago: only a concurrent unmap can
       fail this now. */
    if (copy_from_guest(*ents, _vaddr(hdr->entries), bytes))
        return kexec_refuse(-EFAULT, "load: entry list %#lx unreadable",
                            (unsigned long)hdr->entries);
    return 0;
}

/*
 * Every rule of the ABI over the copy, then the arch's build.  The
 * destinations' record is sized by the list (a run per entry at most),
 * not by RAM, so a small load costs the same on any machine; the builder
 * reads it to keep its own pages off the destinations.
 */
static int validate_and_build(const struct kexec_load *hdr,
                              struct kexec_entry *ents,
                              struct kimage_machine *m,
                              struct kimage_summary *sum,
                              struct kexec_image **img, uint64_t *bad)
{
    struct frames_copy runs_copy = { INVALID_MFN, 0 };
    struct kimage_dests dests;
    const char *why = "";
    int rc;

    dests.runs = frames_get(&runs_copy, hdr->nr_entries * sizeof(*dests.runs));
    if (!dests.runs)
        return kexec_refuse(-ENOMEM,
                            "load: no memory for the destination runs");
    m->dests = &dests;

    rc = kimage_validate(hdr, ents, m, sum, bad, &why);
    if (!rc) {
        unsigned int slot = hdr->type * 2 + (slot_generation[hdr->type] & 1);
        /* The first CRASH image has nothing to keep whole: one copy. */
        bool unstaged = hdr->type == KEXEC_TYPE_CRASH &&
                        !kexec_image[KEXEC_TYPE_CRASH];

        rc = machine_kexec_build(hdr, ents, m, slot, unstaged, img, bad, &why);
        if (!rc) /* only an installed image takes the slot */
            slot_generation[hdr->type]++;
    }
    frames_put(&runs_copy);
    m->dests = NULL;
    if (rc && *bad == KEXEC_BAD_HEADER)
        kexec_refuse(rc, "load refused: %s", why);
    else if (rc)
        kexec_refuse(rc, "load refused: entry %lu: %s", (unsigned long)*bad,
                     why);
    return rc;
}

static void report_loaded(const struct kexec_load *hdr,
                          const struct kimage_summary *sum,
                          const struct kexec_image *img)
{
    printk("kexec: loaded a %s image (%s): %lu pages (%lu copied, %lu zeroed), "
           "%lu maps (%lu pages), entry %#lx, control page %#lx\n",
           hdr->type == KEXEC_TYPE_CRASH ? "crash" : "default",
           hdr->arch == KEXEC_ARCH_32 ? "32-bit" : "64-bit",
           (unsigned long)sum->dest_pages, (unsigned long)sum->copy_pages,
           (unsigned long)sum->zero_pages, (unsigned long)sum->maps,
           (unsigned long)sum->map_pages, (unsigned long)hdr->entry_maddr,
           (unsigned long)maddr_x(img->control_maddr));
}

/* A refused load's bad_entry (kexec.h): best effort, as the header may
   not be writable. */
static void put_bad_entry(uint64_t arg, uint64_t bad)
{
    copy_to_guest(_vaddr(arg + offsetof(struct kexec_load, bad_entry)), &bad,
                  sizeof(bad));
}

/*
 * KEXEC_CMD_kexec_load, in the order of include/public/kexec.h ("Which
 * errno wins"): the header, the safe gate, the header's rules, the list
 * copied in, validated and built, then installed.  A refusal at any step
 * frees what the load took and writes bad_entry back; nothing loaded
 * before is touched.
 */
static long kexec_load(struct domain *d, uint64_t arg)
{
    struct kexec_load hdr;
    struct kexec_entry *ents = NULL;
    struct kimage_machine m = validation_machine();
    struct frames_copy list_copy = { INVALID_MFN, 0 };
    struct kimage_summary sum = { 0 }; /* else cppcheck flags it (ctu) */
    struct kexec_image *img = NULL;
    uint64_t bad = KEXEC_BAD_HEADER;
    int rc;

    if (copy_from_guest(&hdr, _vaddr(arg), sizeof(hdr)))
        return kexec_refuse(-EFAULT, "load: argument %#lx unreadable",
                            (unsigned long)arg);
    /* Unsafe is a refusal of the header like the others: bad_entry too. */
    rc = check_safe(d, "load");
    if (rc) {
        put_bad_entry(arg, KEXEC_BAD_HEADER);
        return rc;
    }

    rc = check_load_header(&hdr, &m, &bad);
    if (!rc)
        rc = copy_list_in(&hdr, &list_copy, &ents);
    if (!rc)
        rc = validate_and_build(&hdr, ents, &m, &sum, &img, &bad);
    if (!rc) {
        install(img);
        report_loaded(&hdr, &sum, img);
    }
    frames_put(&list_copy);
    if (rc)
        put_bad_entry(arg, bad);
    return rc;
}

/* ---- the other commands ------------------------------------------------ */

static int read_type(uint64_t arg, const char *what, uint32_t *type)
{
    struct kexec_exec ex;

    if (copy_from_guest(&ex, _vaddr(arg), sizeof(ex)))
        return kexec_refuse(-EFAULT, "%s: argument %#lx unreadable", what,
                            (unsigned long)arg);
    if (ex.type > KEXEC_TYPE_CRASH)
        return kexec_refuse(-EINVAL, "%s: unknown type %u", what, ex.type);
    if (ex.pad)
        return kexec_refuse(-EINVAL, "%s: pad is not zero", what);
    *type = ex.type;
    return 0;
}

static long kexec_unload(uint64_t arg)
{
    struct kexec_image *old;
    uint32_t type;
    int rc = read_type(arg, "unload", &type);

    if (rc)
        return rc;
    old = kexec_image[type];
    __atomic_store_n(&kexec_image[type], NULL, __ATOMIC_SEQ_CST);
    if (type == KEXEC_TYPE_CRASH)
        machine_kexec_protect_region(false);
    if (old)
        printk("kexec: unloaded the %s image\n",
               type == KEXEC_TYPE_CRASH ? "crash" : "default");
    machine_kexec_free(old);
    return 0;
}

static long kexec_status(struct domain *d, uint64_t arg)
{
    uint32_t type;
    int rc = read_type(arg, "status", &type);

    if (rc)
        return rc;
    return (kexec_image[type] ? KEXEC_STATUS_LOADED : 0) |
           (d->kexec_safe ? 0 : KEXEC_STATUS_UNSAFE);
}

static long kexec_exec(struct domain *d, uint64_t arg)
{
    struct kexec_image *img;
    uint32_t type;
    int rc = read_type(arg, "exec", &type);

    if (rc)
        return rc;
    img = kexec_image[type];
    if (!img)
        return kexec_refuse(-ENOENT, "exec: no %s image loaded",
                            type == KEXEC_TYPE_CRASH ? "crash" : "default");
    rc = check_safe(d, "exec");
    if (rc)
        return rc;
    if (type == KEXEC_TYPE_CRASH)
        panic("crash image requested by d%u (KEXEC_CMD_kexec)", d->id);
    printk("kexec: executing the default image, entry %#lx\n",
           (unsigned long)img->entry);
    arch_stop_other_cpus();
    arch_park_stopped_cpus(); /* the image may overwrite the hypervisor */
    crash_info_handoff();
    machine_kexec(img);
}

static long kexec_get_range(uint64_t arg)
{
    struct kexec_range r;

    if (copy_from_guest(&r, _vaddr(arg), sizeof(r)))
        return kexec_refuse(-EFAULT, "get_range: argument %#lx unreadable",
                            (unsigned long)arg);
    /* nr is an index of per-CPU ranges only; elsewhere it must be 0 */
    if (r.range != KEXEC_RANGE_MA_CPU && r.nr)
        return kexec_refuse(-EINVAL,
                            "get_range: nr %u for range %u, "
                            "which is not per CPU",
                            r.nr, r.range);
    switch (r.range) {
    case KEXEC_RANGE_MA_CRASH:
        r.start = maddr_x(crash_region.start);
        r.size = crash_load_range_size();
        break;
    case KEXEC_RANGE_MA_CPU:
    case KEXEC_RANGE_MA_VMCOREINFO:
    case KEXEC_RANGE_MA_HVINFO: {
        unsigned int kind = r.range == KEXEC_RANGE_MA_CPU ? CRASH_NOTE_CPU
                            : r.range == KEXEC_RANGE_MA_HVINFO
                                ? CRASH_NOTE_HVINFO
                                : CRASH_NOTE_VMCOREINFO;

        maddr_t start;

        if (crash_note_range(kind, r.nr, &start, &r.size))
            return kexec_refuse(-ERANGE, "get_range: no CPU %u", r.nr);
        if (kind == CRASH_NOTE_VMCOREINFO && crash_region.size)
            start = vmcoreinfo_safe_copy_maddr();
        r.start = maddr_x(start);
        break;
    }
    case KEXEC_RANGE_MA_XEN:
        r.start = maddr_x(boot_info.image_start);
        r.size = maddr_x(boot_info.image_end) - r.start;
        break;
    default:
        return kexec_refuse(-EINVAL, "get_range: unknown range %u", r.range);
    }
    if (copy_to_guest(_vaddr(arg), &r, sizeof(r)))
        return kexec_refuse(-EFAULT, "get_range: argument %#lx unwritable",
                            (unsigned long)arg);
    return 0;
}

static long kexec_get_limits(uint64_t arg)
{
    const struct kexec_limits l = kexec_limits();

    if (copy_to_guest(_vaddr(arg), &l, sizeof(l)))
        return kexec_refuse(-EFAULT, "get_limits: argument %#lx unwritable",
                            (unsigned long)arg);
    return 0;
}

long do_kexec_op(uint64_t cmd, uint64_t arg)
{
    struct domain *d = arch_current_domain();
    bool idle = false;
    long rc;

    if (!d->privileged)
        return kexec_refuse(-EPERM, "needs a privileged domain");
    if (!__atomic_compare_exchange_n(&kexec_op_busy, &idle, true, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return kexec_refuse(-EBUSY, "another kexec_op is in progress");
    switch (cmd) {
    case KEXEC_CMD_kexec:
        rc = kexec_exec(d, arg);
        break;
    case KEXEC_CMD_kexec_get_range:
        rc = kexec_get_range(arg);
        break;
    case KEXEC_CMD_kexec_load:
        rc = kexec_load(d, arg);
        break;
    case KEXEC_CMD_kexec_unload:
        rc = kexec_unload(arg);
        break;
    case KEXEC_CMD_kexec_status:
        rc = kexec_status(d, arg);
        break;
    case KEXEC_CMD_kexec_get_limits:
        rc = kexec_get_limits(arg);
        break;
    default:
        rc = kexec_refuse(-EOPNOTSUPP, "unknown command %lu",
                          (unsigned long)cmd);
    }
    __atomic_store_n(&kexec_op_busy, false, __ATOMIC_RELEASE);
    return rc;
}

void kexec_crash(void)
{
    struct kexec_image *img = kexec_image[KEXEC_TYPE_CRASH];

    if (!img)
        return;
    printk("kexec: running the crash image (%s), entry %#lx\n",
           img->in_place ? "in place" : "staged: relocating it first",
           (unsigned long)img->entry);
    crash_info_handoff();
    machine_kexec(img);
}
