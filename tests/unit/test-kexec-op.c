/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * do_kexec_op whole, on the host (common/kexec.c, kimage.c, panic.c and
 * the rest of common/ over the fake arch, fake-arch.h): every command,
 * refusals with their errno, bad_entry and one console line, the status
 * after sequences, every frame given back after every refusal, the first
 * CRASH load written once, a reload atomic under a panic half way, and an
 * allocation failure at every allocation of a build leaving the previous
 * image loaded and runnable.
 */
#include "harness.h"
#include "fake-arch.h"

#include <hv/crash.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/page-alloc.h>
#include <public/kexec.h>

#define CRASH_LOAD_SIZE                                                        \
    (FAKE_CRASH_SIZE - PAGE_SIZE) /* last page: VMCOREINFO */
#define DEFAULT_DEST MiB(20)      /* RAM no one uses in the fake machine */

static uint64_t free_frames_now(void)
{
    struct frame_stats st;

    frames_get_stats(&st);
    return st.free;
}

/* Guest memory holding a copy of [p, + n); its guest address. */
static uint64_t guest_copy(const void *p, size_t n)
{
    uint64_t gva = fake_guest_alloc(n);

    memcpy(fake_guest_ptr(gva), p, n);
    return gva;
}

/* do_kexec_op(cmd, arg), which must return. */
static long op(uint64_t cmd, uint64_t arg)
{
    ck_assert_int_eq(FAKE_RUN(do_kexec_op(cmd, arg)), FAKE_RETURNED);
    return fake_ret;
}

static long op_type(uint64_t cmd, uint32_t type)
{
    struct kexec_exec ex = { .type = type };

    return op(cmd, guest_copy(&ex, sizeof(ex)));
}

static long status(uint32_t type)
{
    return op_type(KEXEC_CMD_kexec_status, type);
}

/*
 * An image of pages pages at dest: DEST, one COPY of pages - 1 frames of
 * dom0's filled with fill, one ZERO page; entry at dest.
 */
struct image {
    struct kexec_load hdr;
    struct kexec_entry ents[4];
    uint64_t hdr_gva;
};

static void make_image(struct image *im, uint8_t type, uint64_t dest,
                       uint64_t pages, uint8_t fill)
{
    uint64_t first = mfn_x(fake_dom0_frame(fill));

    for (uint64_t i = 1; i + 1 < pages; i++)
        ck_assert_uint_eq(mfn_x(fake_dom0_frame((uint8_t)(fill + i))),
                          first + i);
    memset(im, 0, sizeof(*im));
    im->ents[0] = (struct kexec_entry){ .op = KEXEC_OP_DEST, .arg0 = dest };
    im->ents[1] = (struct kexec_entry){ .op = KEXEC_OP_COPY,
                                        .arg0 = first,
                                        .arg1 = pages - 1 };
    im->ents[2] = (struct kexec_entry){ .op = KEXEC_OP_ZERO, .arg1 = 1 };
    im->hdr = (struct kexec_load){
        .size = sizeof(struct kexec_load),
        .type = type,
        .arch = KEXEC_ARCH_64,
        .entry_maddr = dest,
        .nr_entries = 3,
    };
}

/* Put the header and its list in guest memory; load it; how it ended. */
static enum fake_end run_load(struct image *im)
{
    im->hdr.entries = guest_copy(im->ents, sizeof(im->ents));
    im->hdr_gva = guest_copy(&im->hdr, sizeof(im->hdr));
    return FAKE_RUN(do_kexec_op(KEXEC_CMD_kexec_load, im->hdr_gva));
}

/* The same, for a load that must return. */
static long load(struct image *im)
{
    ck_assert_int_eq(run_load(im), FAKE_RETURNED);
    return fake_ret;
}

/* KEXEC_CMD_kexec of an image type; how it ended. */
static enum fake_end run_exec(uint32_t type)
{
    struct kexec_exec ex = { .type = type };
    uint64_t gva = guest_copy(&ex, sizeof(ex));

    return FAKE_RUN(do_kexec_op(KEXEC_CMD_kexec, gva));
}

static uint64_t bad_entry_of(const struct image *im)
{
    return ((struct kexec_load *)fake_guest_ptr(im->hdr_gva))->bad_entry;
}

/* Every byte of [ma, + pages) is what page i of an image filled with fill
   holds: fill + i on the copied pages, zero on the last. */
static bool holds_image(uint64_t ma, uint64_t pages, uint8_t fill)
{
    for (uint64_t i = 0; i < pages; i++) {
        const uint8_t *p = maddr_to_virt(_maddr(ma + i * PAGE_SIZE));
        uint8_t want = i + 1 < pages ? (uint8_t)(fill + i) : 0;

        for (uint64_t b = 0; b < PAGE_SIZE; b++)
            if (p[b] != want)
                return false;
    }
    return true;
}

/* ---- the commands and their refusals ----------------------------------- */

START_TEST(get_limits_reports_what_load_enforces)
{
    struct kexec_limits l;
    uint64_t gva;

    fake_machine_boot(NULL);
    gva = fake_guest_alloc(sizeof(l));
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_limits, gva), 0);
    memcpy(&l, fake_guest_ptr(gva), sizeof(l));
    ck_assert_uint_eq(l.max_entries, 1UL << 20);
    ck_assert_uint_eq(l.max_pages, FAKE_RAM_SIZE >> PAGE_SHIFT);
    ck_assert_uint_eq(l.phys_limit, 1ULL << 36);
    ck_assert_uint_eq(l.entry_size, sizeof(struct kexec_entry));
    ck_assert_uint_eq(l.load_size, sizeof(struct kexec_load));

    fake_console_clear();
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_limits, 0x1000), -EFAULT);
    ck_assert_uint_eq(fake_console_count("d0 kexec_op: get_limits: argument "
                                         "0x1000 unwritable (-EFAULT)"),
                      1);
}
END_TEST

START_TEST(kexec_max_entries_option_is_the_limit)
{
    struct image im;

    fake_machine_boot("crashkernel=16M@32M kexec_max_entries=2");
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x10);
    fake_console_clear();
    ck_assert_int_eq(load(&im), -E2BIG);
    ck_assert_uint_eq(bad_entry_of(&im), KEXEC_BAD_HEADER);
    ck_assert_uint_eq(fake_console_count("load: 3 entries, the limit is 2 "
                                         "(-E2BIG)"),
                      1);
}
END_TEST

START_TEST(unknown_command_and_unprivileged)
{
    fake_machine_boot(NULL);
    fake_console_clear();
    ck_assert_int_eq(op(99, 0), -EOPNOTSUPP);
    ck_assert_uint_eq(fake_console_count("d0 kexec_op: unknown command 99 "
                                         "(-EOPNOTSUPP)"),
                      1);
    dom0->privileged = false;
    ck_assert_int_eq(op(KEXEC_CMD_kexec_status, 0), -EPERM);
    ck_assert_uint_eq(fake_console_count("needs a privileged domain (-EPERM)"),
                      1);
}
END_TEST

START_TEST(type_argument_is_checked)
{
    struct kexec_exec ex = { .type = 2 };

    fake_machine_boot(NULL);
    fake_console_clear();
    ck_assert_int_eq(op(KEXEC_CMD_kexec_status, guest_copy(&ex, sizeof(ex))),
                     -EINVAL);
    ck_assert_uint_eq(fake_console_count("status: unknown type 2 (-EINVAL)"),
                      1);
    ex = (struct kexec_exec){ .type = 0, .pad = 1 };
    ck_assert_int_eq(op(KEXEC_CMD_kexec_unload, guest_copy(&ex, sizeof(ex))),
                     -EINVAL);
    ck_assert_uint_eq(fake_console_count("unload: pad is not zero"), 1);
    ck_assert_int_eq(op(KEXEC_CMD_kexec, 0x10), -EFAULT);
    ck_assert_uint_eq(fake_console_count("exec: argument 0x10 unreadable"), 1);
}
END_TEST

START_TEST(get_range_of_every_kind)
{
    struct kexec_range r = { .range = KEXEC_RANGE_MA_CRASH };
    uint64_t gva;

    fake_machine_boot(NULL);
    gva = guest_copy(&r, sizeof(r));
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, gva), 0);
    memcpy(&r, fake_guest_ptr(gva), sizeof(r));
    ck_assert_uint_eq(r.start, FAKE_CRASH_START);
    ck_assert_uint_eq(r.size, CRASH_LOAD_SIZE);

    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_VMCOREINFO };
    gva = guest_copy(&r, sizeof(r));
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, gva), 0);
    memcpy(&r, fake_guest_ptr(gva), sizeof(r));
    ck_assert_uint_eq(r.start, FAKE_CRASH_START + CRASH_LOAD_SIZE);
    /* The safe copy is the note itself. */
    ck_assert(strstr((const char *)maddr_to_virt(_maddr(r.start)) + 24,
                     "NUMBER(FAKE_ARCH)=1\n"));

    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_XEN };
    gva = guest_copy(&r, sizeof(r));
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, gva), 0);
    memcpy(&r, fake_guest_ptr(gva), sizeof(r));
    ck_assert_uint_eq(r.start, FAKE_HV_START);
    ck_assert_uint_eq(r.size, FAKE_HV_END - FAKE_HV_START);

    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_CPU, .nr = 3 };
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, guest_copy(&r, sizeof(r))),
                     0);
    fake_console_clear();
    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_CPU, .nr = 4 };
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, guest_copy(&r, sizeof(r))),
                     -ERANGE);
    ck_assert_uint_eq(fake_console_count("get_range: no CPU 4 (-ERANGE)"), 1);
    r = (struct kexec_range){ .range = KEXEC_RANGE_MA_XEN, .nr = 1 };
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, guest_copy(&r, sizeof(r))),
                     -EINVAL);
    r = (struct kexec_range){ .range = 5 };
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, guest_copy(&r, sizeof(r))),
                     -EINVAL);
    ck_assert_uint_eq(fake_console_count("get_range: unknown range 5"), 1);
}
END_TEST

START_TEST(no_crash_region)
{
    struct kexec_range r = { .range = KEXEC_RANGE_MA_CRASH };
    struct image im;
    uint64_t gva;

    fake_machine_boot("loglvl=2");
    ck_assert_uint_eq(fake_console_count("Crash region: none (no crashkernel= "
                                         "option)"),
                      1);
    gva = guest_copy(&r, sizeof(r));
    ck_assert_int_eq(op(KEXEC_CMD_kexec_get_range, gva), 0);
    memcpy(&r, fake_guest_ptr(gva), sizeof(r));
    ck_assert_uint_eq(r.size, 0);
    make_image(&im, KEXEC_TYPE_CRASH, MiB(36), 3, 0x20);
    ck_assert_int_eq(load(&im), -ENOSPC);
    ck_assert_uint_eq(bad_entry_of(&im), 1);
}
END_TEST

/* ---- loading, replacing, unloading ------------------------------------- */

START_TEST(default_load_exec_and_unload)
{
    struct image im;
    uint64_t boot_free;

    fake_machine_boot(NULL);
    boot_free = free_frames_now();
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT), 0);
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x30);
    fake_console_clear();
    ck_assert_int_eq(load(&im), 0);
    ck_assert_uint_eq(fake_console_count("kexec: loaded a default image "
                                         "(64-bit): 4 pages (3 copied, 1 "
                                         "zeroed), 0 maps (0 pages), entry "
                                         "0x1400000"),
                      1);
    /* Held: the control page and three staged pages; the list is freed. */
    ck_assert_uint_eq(free_frames_now(), boot_free - 4);
    ck_assert_uint_eq(fake_images_live, 1);
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT), KEXEC_STATUS_LOADED);
    ck_assert_int_eq(status(KEXEC_TYPE_CRASH), 0);

    ck_assert_int_eq(op_type(KEXEC_CMD_kexec_unload, KEXEC_TYPE_DEFAULT), 0);
    ck_assert_uint_eq(fake_console_count("kexec: unloaded the default image"),
                      1);
    ck_assert_uint_eq(free_frames_now(), boot_free);
    ck_assert_uint_eq(fake_images_live, 0);
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT), 0);

    /* Unloading nothing is not an error, and says nothing. */
    fake_console_clear();
    ck_assert_int_eq(op_type(KEXEC_CMD_kexec_unload, KEXEC_TYPE_DEFAULT), 0);
    ck_assert_str_eq(fake_console(), "");

    ck_assert_int_eq(op_type(KEXEC_CMD_kexec, KEXEC_TYPE_DEFAULT), -ENOENT);
    ck_assert_uint_eq(fake_console_count("exec: no default image loaded "
                                         "(-ENOENT)"),
                      1);

    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x40);
    ck_assert_int_eq(load(&im), 0);
    ck_assert_int_eq(run_exec(KEXEC_TYPE_DEFAULT), FAKE_KEXECED);
    ck_assert_uint_eq(fake_exit.type, KEXEC_TYPE_DEFAULT);
    ck_assert_uint_eq(fake_exit.entry, DEFAULT_DEST);
    ck_assert(fake_exit.dests_match);
    ck_assert(holds_image(DEFAULT_DEST, 4, 0x40));
}
END_TEST

START_TEST(replacing_frees_the_old_image)
{
    struct image a, b;
    uint64_t one_loaded;

    fake_machine_boot(NULL);
    make_image(&a, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x50);
    ck_assert_int_eq(load(&a), 0);
    one_loaded = free_frames_now();
    make_image(&b, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x60);
    ck_assert_int_eq(load(&b), 0);
    ck_assert_uint_eq(free_frames_now(), one_loaded);
    ck_assert_uint_eq(fake_images_live, 1);
    ck_assert_int_eq(run_exec(KEXEC_TYPE_DEFAULT), FAKE_KEXECED);
    ck_assert(holds_image(DEFAULT_DEST, 4, 0x60));
}
END_TEST

/* A refused load: its errno, bad_entry, one line, no frame kept, and the
   loaded image still loaded. */
static void refused(struct image *im, int err, uint64_t bad, const char *line)
{
    uint64_t before = free_frames_now();

    fake_console_clear();
    ck_assert_int_eq(load(im), err);
    ck_assert_uint_eq(bad_entry_of(im), bad);
    ck_assert_msg(fake_console_count(line) == 1,
                  "want one line with '%s' in:\n%s", line, fake_console());
    ck_assert_uint_eq(fake_console_count("(-E"), 1);
    ck_assert_uint_eq(free_frames_now(), before);
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT), KEXEC_STATUS_LOADED);
}

START_TEST(refusals_keep_everything)
{
    struct image ok, im;
    uint64_t gva;

    fake_machine_boot(NULL);
    make_image(&ok, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x70);
    ck_assert_int_eq(load(&ok), 0);

    ck_assert_int_eq(op(KEXEC_CMD_kexec_load, 0x1000), -EFAULT);

    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x71);
    im.hdr.flags = 1;
    refused(&im, -EINVAL, KEXEC_BAD_HEADER, "load refused:");

    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x72);
    im.ents[1].arg0 = FAKE_HV_START >> PAGE_SHIFT; /* not dom0's */
    refused(&im, -EACCES, 1, "load refused: entry 1:");

    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x73);
    im.ents[0].arg0 = DEFAULT_DEST + 1;
    refused(&im, -EADDRNOTAVAIL, 0, "load refused: entry 0:");

    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x74);
    im.hdr.entry_maddr = DEFAULT_DEST + MiB(1);
    refused(&im, -ENOEXEC, KEXEC_BAD_HEADER, "load refused:");

    /* The list unreadable: its second page faults. */
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x75);
    gva = fake_guest_alloc(2 * PAGE_SIZE);
    memcpy(fake_guest_ptr(gva + PAGE_SIZE - 32), im.ents, 3 * 32);
    fake_guest_unmap(gva + PAGE_SIZE);
    im.hdr.entries = gva + PAGE_SIZE - 32;
    im.hdr_gva = guest_copy(&im.hdr, sizeof(im.hdr));
    fake_console_clear();
    ck_assert_int_eq(op(KEXEC_CMD_kexec_load, im.hdr_gva), -EFAULT);
    ck_assert_uint_eq(bad_entry_of(&im), KEXEC_BAD_HEADER);
    ck_assert_uint_eq(fake_console_count("unreadable (-EFAULT)"), 1);

    /* What is loaded is still the first image, whole. */
    ck_assert_int_eq(run_exec(KEXEC_TYPE_DEFAULT), FAKE_KEXECED);
    ck_assert(holds_image(DEFAULT_DEST, 3, 0x70));
}
END_TEST

START_TEST(unsafe_refuses_load_and_exec)
{
    struct image im;

    fake_machine_boot(NULL);
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x80);
    ck_assert_int_eq(load(&im), 0);
    domain_set_kexec_unsafe(dom0, "memory was ballooned out");
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT),
                     KEXEC_STATUS_LOADED | KEXEC_STATUS_UNSAFE);
    fake_console_clear();
    ck_assert_int_eq(op_type(KEXEC_CMD_kexec, KEXEC_TYPE_DEFAULT),
                     -ENOTRECOVERABLE);
    ck_assert_uint_eq(fake_console_count("exec refused: kexec is not safe: "
                                         "memory was ballooned out"),
                      1);
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 3, 0x81);
    im.hdr.bad_entry = 7; /* overwritten: the refusal is the header's */
    ck_assert_int_eq(load(&im), -ENOTRECOVERABLE);
    ck_assert_uint_eq(bad_entry_of(&im), KEXEC_BAD_HEADER);
    domain_set_kexec_safe(dom0, "every frame came back");
    ck_assert_int_eq(status(KEXEC_TYPE_DEFAULT), KEXEC_STATUS_LOADED);
}
END_TEST

/* ---- CRASH images ------------------------------------------------------ */

START_TEST(first_crash_load_is_written_once_and_protected)
{
    struct image im;
    uint64_t boot_free;

    fake_machine_boot(NULL);
    boot_free = free_frames_now();
    make_image(&im, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0x90);
    ck_assert_int_eq(load(&im), 0);
    ck_assert(fake_region_protected);
    ck_assert(holds_image(FAKE_CRASH_START, 5, 0x90));
    /* Unstaged: nothing but the control page is held. */
    ck_assert_uint_eq(free_frames_now(), boot_free - 1);
    ck_assert_int_eq(status(KEXEC_TYPE_CRASH), KEXEC_STATUS_LOADED);

    ck_assert_int_eq(run_exec(KEXEC_TYPE_CRASH), FAKE_KEXECED);
    ck_assert_uint_eq(fake_exit.type, KEXEC_TYPE_CRASH);
    ck_assert(fake_exit.in_place);
    ck_assert_uint_eq(fake_console_count("Panic on CPU 0:"), 1);
    ck_assert_uint_eq(fake_console_count("crash image requested by d0 "
                                         "(KEXEC_CMD_kexec)"),
                      1);
    ck_assert_uint_eq(fake_console_count("kexec: running the crash image "
                                         "(in place)"),
                      1);
}
END_TEST

START_TEST(refused_crash_load_leaves_the_region_bit_for_bit)
{
    struct image a, b;
    uint8_t *before = malloc(FAKE_CRASH_SIZE);

    fake_machine_boot(NULL);
    make_image(&a, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0xa0);
    ck_assert_int_eq(load(&a), 0);
    memcpy(before, maddr_to_virt(_maddr(FAKE_CRASH_START)), FAKE_CRASH_SIZE);
    make_image(&b, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0xb0);
    b.ents[1].arg0 = 0; /* frame 0 */
    ck_assert_int_eq(load(&b), -ENXIO);
    ck_assert_uint_eq(bad_entry_of(&b), 1);
    make_image(&b, KEXEC_TYPE_CRASH, FAKE_CRASH_START + CRASH_LOAD_SIZE, 2,
               0xb8); /* over the VMCOREINFO page */
    ck_assert_int_eq(load(&b), -ENOSPC);
    fake_build_allocs_left = 2; /* the build fails */
    make_image(&b, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0xc0);
    ck_assert_int_eq(load(&b), -ENOMEM);
    ck_assert(!memcmp(before, maddr_to_virt(_maddr(FAKE_CRASH_START)),
                      FAKE_CRASH_SIZE));
    ck_assert(fake_region_protected);
    free(before);
}
END_TEST

START_TEST(crash_reload_replaces_the_region)
{
    struct image a, b;
    uint64_t one_loaded;

    fake_machine_boot(NULL);
    make_image(&a, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0xd0);
    ck_assert_int_eq(load(&a), 0);
    one_loaded = free_frames_now();
    make_image(&b, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0xe0);
    ck_assert_int_eq(load(&b), 0);
    ck_assert(holds_image(FAKE_CRASH_START, 5, 0xe0));
    /* Staged, placed, then the staging and the old image given back. */
    ck_assert_uint_eq(free_frames_now(), one_loaded);
    ck_assert(fake_region_protected);
}
END_TEST

/*
 * kexec_test_reload_panic=N: the reload panics after writing N pages of
 * the new image into the region.  The crash must run the new image, whole
 * (relocated from its staged copy): never the torn region.
 */
START_TEST(panic_in_the_middle_of_a_reload_runs_the_new_image_whole)
{
    uint64_t n = (uint64_t)_i; /* pages written before the panic */
    char cmdline[128];
    struct image a, b;

    snprintf(cmdline, sizeof(cmdline),
             "crashkernel=16M@32M debug-inject "
             "kexec_test_reload_panic=%lu",
             (unsigned long)n);
    fake_machine_boot(cmdline);
    make_image(&a, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0x10);
    ck_assert_int_eq(load(&a), 0); /* the first load is not a reload */
    make_image(&b, KEXEC_TYPE_CRASH, FAKE_CRASH_START, 5, 0x40);
    ck_assert_int_eq(run_load(&b), FAKE_KEXECED);
    ck_assert_uint_eq(fake_console_count("panic in the middle of a "
                                         "crash-image reload"),
                      1);
    ck_assert_uint_eq(fake_exit.type, KEXEC_TYPE_CRASH);
    ck_assert(!fake_exit.in_place);
    ck_assert(fake_exit.dests_match);
    ck_assert_msg(holds_image(FAKE_CRASH_START, 5, 0x40),
                  "after %lu pages: the region is not the new image",
                  (unsigned long)n);
}
END_TEST

/*
 * Allocation _i of a build fails (the control page, then each staged
 * page: 4 in all): the load is -ENOMEM, gives back every frame, and
 * leaves the image loaded before it runnable.  At _i == 4 nothing fails.
 */
#define BUILD_ALLOCS 4
START_TEST(allocation_failure_at_every_step_of_a_build)
{
    struct image old, im;
    uint64_t before;
    long rc;

    fake_machine_boot(NULL);
    make_image(&old, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x11);
    ck_assert_int_eq(load(&old), 0);
    before = free_frames_now();
    fake_build_allocs_left = _i;
    make_image(&im, KEXEC_TYPE_DEFAULT, DEFAULT_DEST, 4, 0x22);
    rc = load(&im);
    fake_build_allocs_left = -1;
    if (_i == BUILD_ALLOCS) {
        ck_assert_int_eq(rc, 0);
        ck_assert_uint_eq(free_frames_now(), before); /* old one freed */
        return;
    }
    ck_assert_int_eq(rc, -ENOMEM);
    ck_assert_uint_eq(free_frames_now(), before);
    ck_assert_uint_eq(fake_images_live, 1);
    ck_assert_int_eq(run_exec(KEXEC_TYPE_DEFAULT), FAKE_KEXECED);
    ck_assert(holds_image(DEFAULT_DEST, 4, 0x11));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kexec_op");
    TCase *tc = tcase_create("do_kexec_op");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, get_limits_reports_what_load_enforces);
    tcase_add_test(tc, kexec_max_entries_option_is_the_limit);
    tcase_add_test(tc, unknown_command_and_unprivileged);
    tcase_add_test(tc, type_argument_is_checked);
    tcase_add_test(tc, get_range_of_every_kind);
    tcase_add_test(tc, no_crash_region);
    tcase_add_test(tc, default_load_exec_and_unload);
    tcase_add_test(tc, replacing_frees_the_old_image);
    tcase_add_test(tc, refusals_keep_everything);
    tcase_add_test(tc, unsafe_refuses_load_and_exec);
    tcase_add_test(tc, first_crash_load_is_written_once_and_protected);
    tcase_add_test(tc, refused_crash_load_leaves_the_region_bit_for_bit);
    tcase_add_test(tc, crash_reload_replaces_the_region);
    tcase_add_loop_test(
        tc, panic_in_the_middle_of_a_reload_runs_the_new_image_whole, 1, 5);
    tcase_add_loop_test(tc, allocation_failure_at_every_step_of_a_build, 0,
                        BUILD_ALLOCS + 1);
    suite_add_tcase(s, tc);
    return harness_run(s);
}
