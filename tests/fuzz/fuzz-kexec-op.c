/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * do_kexec_op whole (common/ over the fake arch, tests/unit/fake-arch.h),
 * driven by a sequence of calls decoded from the input: a boot command
 * line, then calls, each one command byte and its arguments.  Loads are
 * a valid image (DEFAULT or CRASH) with mutations, or entries decoded
 * one by one near the fake machine's interesting addresses; headers and
 * argument pointers may be unreadable (an unmapped guest page, a list
 * that runs into it, a raw address); an allocation failure may be armed,
 * and kexec made unsafe.  Checked after every call (include/public/kexec.h):
 *   - it returned (no panic, no exit) with an errno of the command's set;
 *   - a refusal printed one "kexec_op:" line naming its errno, gave back
 *     every frame (allocator and dom0's count as before), left both
 *     images' status as it was, wrote bad_entry (an index or
 *     KEXEC_BAD_HEADER), and a refused CRASH load left the crash region
 *     bit for bit;
 *   - status is what the calls so far make it (loaded, unsafe), the live
 *     images are the loaded ones, and the crash region is write
 *     protected exactly while a CRASH image is loaded;
 *   - get_range and get_limits say what the machine is.
 * At the end both images are unloaded and every frame must be free again.
 *
 * KEXEC_CMD_kexec of a loaded image is not issued: it does not return,
 * and common/ keeps state (the busy flag, the panic) that a fake boot does
 * not reset; test-kexec-op (one process per case) covers it.  Exec is
 * fuzzed where it must refuse, and running anyway is a failure.
 */
#include "harness.h"
#include "fake-arch.h"

#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/page-alloc.h>
#include <public/kexec.h>

#include "fuzz.h"

#define PG            4096ULL
#define DEFAULT_DEST  MiB(20)
#define DOM0_MFN0     (FAKE_DOM0_START >> PAGE_SHIFT)
#define DOM0_FILLED   64 /* frames of dom0's with a pattern */
#define MAX_ENTS      64
#define REFUSAL_BURST 10000 /* domain.c: lines before rate limiting */

static uint64_t hdr_gva, list_gva, hole_gva, arg_gva;
static uint64_t crash_start, crash_size; /* the load range */
static bool loaded[2], unsafe;
static unsigned long refusals; /* in this process */
static uint8_t *snapshot;

static uint64_t frames_free_now(void)
{
    struct frame_stats st;

    frames_get_stats(&st);
    return st.free;
}

static long call(uint64_t cmd, uint64_t arg)
{
    fake_console_clear();
    FZ_CHECK(FAKE_RUN(do_kexec_op(cmd, arg)) == FAKE_RETURNED,
             "kexec_op %lu did not return (%s)", (unsigned long)cmd,
             fake_exit.how == FAKE_KEXECED ? "an image ran" : "exit");
    return fake_ret;
}

static bool in_set(long rc, const int *set, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        if (rc == set[i])
            return true;
    return false;
}
#define IN_SET(rc, ...)                                                        \
    in_set(rc, (const int[]){ __VA_ARGS__ },                                   \
           sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

static long status_of(uint32_t type)
{
    struct kexec_exec ex = { .type = type };

    memcpy(fake_guest_ptr(arg_gva), &ex, sizeof(ex));
    return call(KEXEC_CMD_kexec_status, arg_gva);
}

/* Everything that must hold between calls. */
static void check_state(void)
{
    for (uint32_t t = 0; t < 2; t++)
        FZ_CHECK(status_of(t) == ((loaded[t] ? KEXEC_STATUS_LOADED : 0) |
                                  (unsafe ? KEXEC_STATUS_UNSAFE : 0)),
                 "status of type %u: %ld, loaded %d unsafe %d", t, status_of(t),
                 loaded[t], unsafe);
    FZ_CHECK(fake_images_live == (unsigned int)loaded[0] + loaded[1],
             "%u live images, %d + %d loaded", fake_images_live, loaded[0],
             loaded[1]);
    FZ_CHECK(fake_region_protected == loaded[KEXEC_TYPE_CRASH],
             "crash region protection %d with a crash image %d",
             fake_region_protected, loaded[KEXEC_TYPE_CRASH]);
}

/* After a call that returned rc: the refusal's promises. */
static void check_refusal(long rc, uint64_t free_before, uint64_t pages_before)
{
    unsigned int lines = fake_console_count("kexec_op: ");

    if (rc >= 0)
        return;
    refusals++;
    FZ_CHECK(refusals > REFUSAL_BURST ? lines <= 1 : lines == 1,
             "refusal %ld printed %u lines: %s", rc, lines, fake_console());
    FZ_CHECK(!lines || fake_console_count("(-E") == 1,
             "the refusal line names no errno: %s", fake_console());
    FZ_CHECK(frames_free_now() == free_before, "refusal %ld: %ld frames kept",
             rc, (long)(free_before - frames_free_now()));
    FZ_CHECK(dom0->nr_pages == pages_before,
             "refusal %ld: dom0 has %lu "
             "frames, had %lu",
             rc, (unsigned long)dom0->nr_pages, (unsigned long)pages_before);
}

/* ---- loads ------------------------------------------------------------- */

static uint64_t fz_dest(struct fz *f)
{
    uint64_t v = fz_take(f, 2), off = (v & 0x1fff) * PG;

    switch (v >> 13) {
    case 0:
        return crash_start + off;
    case 1:
        return crash_start + crash_size - PG * 4 + (v & 7) * PG;
    case 2:
        return DEFAULT_DEST + off;
    case 3:
        return FAKE_HV_START + (v & 0x3ff) * PG - 4 * PG;
    case 4:
        return FAKE_DOM0_START + off;
    case 5:
        return FAKE_RAM_SIZE - 8 * PG + (v & 0xff) * PG;
    case 6:
        return off;
    default:
        return fz_take(f, 8);
    }
}

static uint64_t fz_frame(struct fz *f)
{
    uint64_t v = fz_take(f, 1);

    if (v < 0xc0)
        return DOM0_MFN0 + v % DOM0_FILLED;
    if (v < 0xe0)
        return (FAKE_HV_START >> PAGE_SHIFT) + (v & 0x1f);
    if (v < 0xf0)
        return (crash_start >> PAGE_SHIFT) + (v & 0xf);
    return fz_take(f, 8);
}

/* A list built entry by entry (fuzz-kimage's scheme, this machine's
   addresses); the entry point in the first page filled. */
static uint64_t decode_entries(struct fz *f, struct kexec_entry *e,
                               uint64_t *entry)
{
    uint64_t n = 1 + fz_take(f, 1) % MAX_ENTS, cur = 0;

    *entry = 0;
    for (uint64_t i = 0; i < n; i++) {
        unsigned int c = fz_take(f, 1);

        memset(&e[i], 0, sizeof(e[i]));
        e[i].op = 1 + (c & 3);
        if (c & 0x80) {
            e[i].op = fz_take(f, 1) % 6;
            e[i].flags = (c & 0x40) ? fz_take(f, 2) : 0;
            e[i].arg0 = fz_take(f, 8);
            e[i].arg1 = fz_take(f, 8);
            e[i].arg2 = fz_take(f, 8);
            continue;
        }
        switch (e[i].op) {
        case KEXEC_OP_DEST:
            cur = e[i].arg0 = fz_dest(f);
            break;
        case KEXEC_OP_COPY:
            e[i].arg0 = fz_frame(f);
            e[i].arg1 = 1 + (c >> 2) % 16;
            break;
        case KEXEC_OP_ZERO:
            e[i].arg1 = 1 + (c >> 2) % 16;
            break;
        case KEXEC_OP_MAP:
            e[i].arg0 = (c & 0x40) ? cur
                                   : 0xffffffff80000000ULL + fz_take(f, 1) * PG;
            e[i].arg1 = i ? fz_take(f, 1) % i : 0;
            e[i].arg2 = 1 + (c >> 2) % 4;
            break;
        }
        if (!*entry && (e[i].op == KEXEC_OP_COPY || e[i].op == KEXEC_OP_ZERO))
            *entry = cur + 0x40;
    }
    return n;
}

/* A valid image of the type, then up to 3 mutations of its fields. */
static uint64_t template_entries(struct fz *f, uint8_t type,
                                 struct kexec_entry *e, uint64_t *entry)
{
    uint64_t dest = type == KEXEC_TYPE_CRASH ? crash_start : DEFAULT_DEST;
    unsigned int c = fz_take(f, 1), muts = c >> 6;
    uint64_t n = 3;

    if (type == KEXEC_TYPE_CRASH && crash_size >= 2 * PG)
        dest += (fz_take(f, 1) % (crash_size / PG / 2)) * PG;
    memset(e, 0, 5 * sizeof(*e));
    e[0] = (struct kexec_entry){ .op = KEXEC_OP_DEST, .arg0 = dest };
    e[1] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                 .arg0 = DOM0_MFN0 + (c & 7),
                                 .arg1 = 1 + ((c >> 3) & 7) };
    e[2] = (struct kexec_entry){ .op = KEXEC_OP_ZERO, .arg1 = 1 };
    if (c & 0x20)
        e[n++] = (struct kexec_entry){ .op = KEXEC_OP_MAP,
                                       .arg0 = 0xffffffff80000000ULL,
                                       .arg1 = 1,
                                       .arg2 = 1 };
    *entry = dest;
    while (muts--) {
        unsigned int m = fz_take(f, 1);
        struct kexec_entry *x = &e[(m >> 4) % n];
        uint64_t v = (m & 8) ? fz_take(f, 8) : fz_take(f, 1);

        switch (m & 7) {
        case 0:
            x->op = v;
            break;
        case 1:
            x->flags = v;
            break;
        case 2:
            x->pad = v;
            break;
        case 3:
            x->arg0 = v;
            break;
        case 4:
            x->arg1 = v;
            break;
        case 5:
            x->arg2 = v;
            break;
        case 6:
            x->arg0 += v * PG;
            break;
        default:
            *entry += v;
            break;
        }
    }
    return n;
}

static void do_load(struct fz *f)
{
    static const int load_errs[] = {
        -EINVAL,    -E2BIG,   -EFAULT,          -ENXIO,  -EADDRNOTAVAIL,
        -EOVERFLOW, -ERANGE,  -EBADMSG,         -EACCES, -EADDRINUSE,
        -ENOSPC,    -ENOEXEC, -ENOTRECOVERABLE, -ENOMEM,
    };
    struct kexec_entry e[MAX_ENTS];
    struct kexec_load h;
    unsigned int c = fz_take(f, 1), where = fz_take(f, 1);
    uint8_t type = c & 1;
    uint64_t n, entry, list = list_gva, arg = hdr_gva, bytes;
    uint64_t free_before = frames_free_now(), pages_before = dom0->nr_pages;
    bool fault_hdr = false;
    long rc;

    n = (c & 2) ? decode_entries(f, e, &entry)
                : template_entries(f, type, e, &entry);
    memset(&h, 0, sizeof(h));
    h.size = sizeof(h);
    h.type = type;
    h.arch = (c & 4) ? KEXEC_ARCH_32 : KEXEC_ARCH_64;
    h.entry_maddr = entry;
    h.nr_entries = n;
    if (c & 8) { /* a header field broken */
        unsigned int w = fz_take(f, 1);
        uint64_t v = fz_take(f, w & 0x80 ? 8 : 1);

        switch (w & 7) {
        case 0:
            h.size = v;
            break;
        case 1:
            h.type = v;
            break;
        case 2:
            h.arch = v;
            break;
        case 3:
            h.flags = v;
            break;
        case 4:
            h.nr_entries = v;
            break;
        case 5:
            h.nr_entries = n + (v & 3) - 1;
            break;
        case 6:
            h.entry_maddr = v;
            break;
        default:
            h.bad_entry = v;
            break;
        }
    }
    bytes = n * sizeof(e[0]);
    switch (where % 8) {
    case 1: /* the list runs into an unmapped page */
        list = hole_gva - bytes + sizeof(e[0]) * (1 + where / 8 % n);
        break;
    case 2:
        list = fz_take(f, 8);
        break;
    case 3:
        arg = hole_gva;
        fault_hdr = true;
        break;
    case 4: /* the header's end in the unmapped page */
        arg = hole_gva - 8;
        fault_hdr = true;
        break;
    }
    h.entries = list;
    if (list >= list_gva && list < list_gva + 2 * PG)
        memcpy(fake_guest_ptr(list), e, bytes);
    else if (list < hole_gva && list >= hole_gva - bytes)
        memcpy(fake_guest_ptr(list), e, hole_gva - list);
    if (!fault_hdr)
        memcpy(fake_guest_ptr(arg), &h, sizeof(h));
    else if (arg < hole_gva)
        memcpy(fake_guest_ptr(arg), &h, hole_gva - arg);
    if (c & 0x10)
        fake_build_allocs_left = fz_take(f, 1) % 8;
    if (type == KEXEC_TYPE_CRASH && crash_size)
        memcpy(snapshot, fake_ram + crash_start, crash_size + PG);

    rc = call(KEXEC_CMD_kexec_load, arg);
    fake_build_allocs_left = -1;
    if (fz_verbose())
        fprintf(stderr, "fuzz-kexec-op: load type %u, %lu entries: %ld %s",
                h.type, (unsigned long)h.nr_entries, rc, fake_console());
    FZ_CHECK(rc == 0 || in_set(rc, load_errs, sizeof(load_errs) / sizeof(int)),
             "load: %ld is not in kexec.h's list", rc);
    check_refusal(rc, free_before, pages_before);
    FZ_CHECK(!fault_hdr || rc == -EFAULT, "an unreadable header: %ld", rc);
    if (rc == 0) {
        FZ_CHECK(h.type <= 1 && !unsafe, "loaded type %u, unsafe %d", h.type,
                 unsafe);
        loaded[h.type] = true;
        return;
    }
    if (!fault_hdr && rc != -EFAULT) {
        uint64_t bad;

        memcpy(&bad,
               (uint8_t *)fake_guest_ptr(arg) +
                   offsetof(struct kexec_load, bad_entry),
               sizeof(bad));
        FZ_CHECK(bad == KEXEC_BAD_HEADER || bad < h.nr_entries,
                 "bad_entry %#lx of %lu", (unsigned long)bad,
                 (unsigned long)h.nr_entries);
    }
    if (type == KEXEC_TYPE_CRASH && crash_size)
        FZ_CHECK(!memcmp(snapshot, fake_ram + crash_start, crash_size + PG),
                 "a refused crash load changed the crash region");
}

/* ---- the other commands ---------------------------------------------- */

/* A kexec_exec argument: usually sound, sometimes not. */
static uint64_t exec_arg(struct fz *f, uint32_t *type, bool *sound)
{
    unsigned int c = fz_take(f, 1);
    struct kexec_exec ex = { .type = c & 1 };

    *sound = true;
    if (c & 0x40) {
        ex.type = fz_take(f, 4);
        ex.pad = (c & 0x20) ? fz_take(f, 4) : 0;
        *sound = ex.type <= 1 && !ex.pad;
    }
    *type = ex.type;
    if (c & 0x80) {
        uint64_t raw = (c & 0x10) ? hole_gva : fz_take(f, 8);

        *sound = false;
        /* A raw address inside the fake guest's memory may hold a sound
           argument (the argument page does): the hole instead, which the
           oracle knows to be unreadable. */
        if (raw >= FAKE_GUEST_VA && raw - FAKE_GUEST_VA < FAKE_GUEST_SIZE)
            raw = hole_gva;
        return raw;
    }
    memcpy(fake_guest_ptr(arg_gva), &ex, sizeof(ex));
    return arg_gva;
}

static void do_other(struct fz *f, unsigned int cmd)
{
    uint64_t free_before = frames_free_now(), pages_before = dom0->nr_pages;
    uint32_t type;
    bool sound;
    uint64_t arg;
    long rc;

    switch (cmd) {
    case KEXEC_CMD_kexec_unload:
        arg = exec_arg(f, &type, &sound);
        rc = call(cmd, arg);
        FZ_CHECK(sound ? rc == 0 : IN_SET(rc, -EINVAL, -EFAULT), "unload: %ld",
                 rc);
        if (!rc)
            loaded[type] = false;
        break;
    case KEXEC_CMD_kexec_status:
        arg = exec_arg(f, &type, &sound);
        rc = call(cmd, arg);
        FZ_CHECK(sound ? rc >= 0 : IN_SET(rc, -EINVAL, -EFAULT), "status: %ld",
                 rc);
        break;
    case KEXEC_CMD_kexec:
        arg = exec_arg(f, &type, &sound);
        if (sound && loaded[type] && !unsafe)
            return; /* it would run: see the opening comment */
        rc = call(cmd, arg);
        FZ_CHECK(rc < 0 &&
                     IN_SET(rc, -EINVAL, -EFAULT, -ENOENT, -ENOTRECOVERABLE),
                 "exec: %ld", rc);
        FZ_CHECK(!sound || rc == (loaded[type] ? -ENOTRECOVERABLE : -ENOENT),
                 "exec of type %u: %ld", type, rc);
        break;
    case KEXEC_CMD_kexec_get_range: {
        unsigned int c = fz_take(f, 1);
        struct kexec_range r = { .range = c & 0x80 ? fz_take(f, 4) : c % 9,
                                 .nr = c & 0x40 ? fz_take(f, 4)
                                                : (c >> 3) & 7 };

        memcpy(fake_guest_ptr(arg_gva), &r, sizeof(r));
        rc = call(cmd, (c & 0x20) ? hole_gva : arg_gva);
        FZ_CHECK(IN_SET(rc, 0, -EINVAL, -ERANGE, -EFAULT), "get_range: %ld",
                 rc);
        if (!rc) {
            memcpy(&r, fake_guest_ptr(arg_gva), sizeof(r));
            if (r.range == KEXEC_RANGE_MA_CRASH)
                FZ_CHECK(r.start == crash_start && r.size == crash_size,
                         "get_range CRASH changed");
            else if (r.range == KEXEC_RANGE_MA_XEN)
                FZ_CHECK(r.start == FAKE_HV_START &&
                             r.size == FAKE_HV_END - FAKE_HV_START,
                         "range XEN");
            else
                FZ_CHECK(r.size && r.start + r.size <= FAKE_RAM_SIZE,
                         "range %u: [%#lx, + %#lx)", r.range,
                         (unsigned long)r.start, (unsigned long)r.size);
        }
        break;
    }
    case KEXEC_CMD_kexec_get_limits: {
        struct kexec_limits l;
        bool hole = fz_take(f, 1) & 1;

        rc = call(cmd, hole ? hole_gva : arg_gva);
        FZ_CHECK(hole ? rc == -EFAULT : rc == 0, "get_limits: %ld", rc);
        if (!rc) {
            memcpy(&l, fake_guest_ptr(arg_gva), sizeof(l));
            FZ_CHECK(l.entry_size == sizeof(struct kexec_entry) &&
                         l.load_size == sizeof(struct kexec_load) &&
                         l.max_entries && l.max_pages && l.phys_limit,
                     "get_limits");
        }
        break;
    }
    default:
        rc = call(cmd, fz_take(f, 8));
        FZ_CHECK(rc == -EOPNOTSUPP, "command %u: %ld", cmd, rc);
    }
    check_refusal(rc, free_before, pages_before);
}

static void boot(unsigned int how)
{
    /* Small crash regions mostly: each crash load compares it whole. */
    static const char *lines[4] = {
        "crashkernel=2M@32M",
        "crashkernel=4M",
        "loglvl=2",
        "crashkernel=16M@32M kexec_max_entries=4",
    };
    struct kexec_range r = { .range = KEXEC_RANGE_MA_CRASH };

    fake_machine_boot(lines[how % 4]);
    fake_build_allocs_left = -1;
    hdr_gva = fake_guest_alloc(PG);
    list_gva = fake_guest_alloc(2 * PG);
    hole_gva = fake_guest_alloc(PG);
    fake_guest_unmap(hole_gva);
    arg_gva = fake_guest_alloc(PG);
    for (unsigned int i = 0; i < DOM0_FILLED; i++)
        (void)fake_dom0_frame((uint8_t)(i * 3 + 1));
    memcpy(fake_guest_ptr(arg_gva), &r, sizeof(r));
    FZ_CHECK(call(KEXEC_CMD_kexec_get_range, arg_gva) == 0, "get_range");
    memcpy(&r, fake_guest_ptr(arg_gva), sizeof(r));
    crash_start = r.start;
    crash_size = r.size;
    loaded[0] = loaded[1] = unsafe = false;
    if (!snapshot)
        snapshot = malloc(MiB(64));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = { data, size, 0 };
    uint64_t boot_free;
    unsigned int calls = 0;

    boot(fz_take(&f, 1));
    boot_free = frames_free_now();
    while (fz_left(&f) && calls++ < 32) {
        unsigned int c = fz_take(&f, 1);

        switch (c % 10) {
        case 0:
        case 1:
        case 2:
            do_load(&f);
            break;
        case 3:
            do_other(&f, KEXEC_CMD_kexec_unload);
            break;
        case 4:
            do_other(&f, KEXEC_CMD_kexec_status);
            break;
        case 5:
            do_other(&f, KEXEC_CMD_kexec);
            break;
        case 6:
            do_other(&f, KEXEC_CMD_kexec_get_range);
            break;
        case 7:
            do_other(&f, KEXEC_CMD_kexec_get_limits);
            break;
        case 8:
            do_other(&f, (c >> 4) == 0 ? 1 : 8 + (c >> 4));
            break;
        default: /* ballooning out, or all back */
            unsafe = !unsafe;
            if (unsafe)
                domain_set_kexec_unsafe(dom0, "fuzz: ballooned out");
            else
                domain_set_kexec_safe(dom0, "fuzz: given back");
        }
        check_state();
    }
    for (uint32_t t = 0; t < 2; t++) {
        struct kexec_exec ex = { .type = t };

        memcpy(fake_guest_ptr(arg_gva), &ex, sizeof(ex));
        FZ_CHECK(call(KEXEC_CMD_kexec_unload, arg_gva) == 0, "unload");
    }
    FZ_CHECK(frames_free_now() == boot_free && fake_images_live == 0,
             "after unloading everything: %ld frames kept, %u images",
             (long)(boot_free - frames_free_now()), fake_images_live);
    return 0;
}
