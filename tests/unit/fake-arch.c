/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake architecture (fake-arch.h): include/hv/arch.h, the guest
 * access primitives and the boot's leftovers, over host memory, so that
 * common/ runs whole on the host under ASan and UBSan.  It models what
 * common/ relies on, not x86: an image's pages really are staged and
 * written to their destinations, so a test can tell which image ran.
 */
#include "harness.h"
#include "fake-arch.h"

#include <sys/mman.h>

#include <hv/boot-info.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/crash.h>
#include <hv/crashkernel.h>
#include <hv/domain.h>
#include <hv/guest-access.h>
#include <hv/inject.h>
#include <hv/kimage.h>
#include <hv/mm.h>
#include <hv/page-alloc.h>
#include <hv/param.h>
#include <public/elfnote.h>
#include <public/kexec.h>

unsigned int fake_cpu;
struct domain *fake_current[NR_CPUS];
uint8_t *fake_ram;
uint64_t fake_ram_size;
uint64_t fake_ticks;
struct fake_exit fake_exit;
jmp_buf *fake_exit_jmp;
long fake_ret;
unsigned int fake_nr_cpus = 4;
unsigned int fake_shootdowns, fake_cpus_stopped, fake_racer_cpu, fake_late_cpu;
long fake_build_allocs_left = -1;
bool fake_region_protected;
unsigned int fake_images_live;

/* The gate of the test hooks is arch/x86/inject.c's on the machine. */
bool opt_debug_inject;
test_gate_param("debug-inject", opt_debug_inject);

/* What the hypervisor's link provides: a build id and a symbol table. */
const char hv_build_id[] = "fake-arch";
struct fake_symbol {
    uint64_t addr;
    uint32_t size, name;
};
const uint64_t hv_nr_symbols = 1;
const struct fake_symbol hv_symbols[] = { { 0x1000, 0x10, 0 } };
const char hv_symbol_names[] = "fake_symbol";

void start_hv(void)
{
    abort(); /* its address is a VMCOREINFO line, never called here */
}

static uint8_t *guest_mem;
static bool guest_unmapped[FAKE_GUEST_SIZE / PAGE_SIZE];
static uint64_t guest_next;
static char console_buf[1 << 20];
static size_t console_len, console_mark;
static uint64_t frame_bitmap[FAKE_RAM_SIZE / PAGE_SIZE / 64];
static struct domain fake_dom0;
static mfn_t dom0_next;
static bool cpu_stopped[NR_CPUS];
static jmp_buf *racer_jmp;
/* Every image built and not freed: one a run ended with is not a leak. */
struct fake_image;
static struct fake_image *live_images[16];

void fake_bad_maddr(uint64_t ma)
{
    ck_abort_msg("machine address %#lx is outside the fake RAM",
                 (unsigned long)ma);
    abort();
}

/* ---- boot ---------------------------------------------------------------- */

extern const struct param __start_hv_params[], __stop_hv_params[];

void parse_cmdline(const char *cmdline)
{
    parse_params(cmdline, __start_hv_params, __stop_hv_params, printk);
}

void fake_machine_boot(const char *cmdline)
{
    const struct busy_range busy[] = {
        { { 0 }, { MiB(1) } },
        { { FAKE_HV_START }, { FAKE_HV_END } },
        { { FAKE_DOM0_START }, { FAKE_DOM0_END } },
    };

    /* Fresh anonymous pages each boot, instead of clearing 64 MiB: a boot
       then costs the pages the run touches (the fuzzer boots per input). */
    void *ram = mmap(fake_ram, FAKE_RAM_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | (fake_ram ? MAP_FIXED : 0),
                     -1, 0);

    ck_assert(ram != MAP_FAILED);
    fake_ram = ram;
    if (!guest_mem) {
        guest_mem = aligned_alloc(PAGE_SIZE, FAKE_GUEST_SIZE);
        ck_assert(guest_mem);
    }
    fake_ram_size = FAKE_RAM_SIZE;
    memset(guest_mem, 0, FAKE_GUEST_SIZE);
    memset(guest_unmapped, 0, sizeof(guest_unmapped));
    memset(cpu_stopped, 0, sizeof(cpu_stopped));
    guest_next = 0;
    console_len = console_mark = 0;
    fake_cpu = 0;
    fake_shootdowns = fake_cpus_stopped = 0;
    fake_images_live = 0;
    memset(live_images, 0, sizeof(live_images));
    fake_region_protected = false;

    memset(&boot_info, 0, sizeof(boot_info));
    boot_info.loader = "fake";
    boot_info.nr_mem = 1;
    boot_info.mem[0] = (struct mem_region){ _maddr(0), FAKE_RAM_SIZE, MEM_RAM };
    boot_info.image_start = _maddr(FAKE_HV_START);
    boot_info.image_end = _maddr(FAKE_HV_END);
    strlcpy(boot_info.cmdline, cmdline ? cmdline : "crashkernel=16M@32M",
            sizeof(boot_info.cmdline));
    parse_cmdline(boot_info.cmdline);

    frames_init(frame_bitmap, maddr_to_mfn(_maddr(FAKE_RAM_SIZE)));
    frames_add(_maddr(MiB(1)), FAKE_RAM_SIZE - MiB(1));
    for (unsigned int i = 0; i < ARRAY_SIZE(busy); i++)
        frames_reserve(busy[i].start,
                       maddr_x(busy[i].end) - maddr_x(busy[i].start));
    crash_region_init(busy, ARRAY_SIZE(busy));

    frame_table_init();
    for (uint64_t mfn = FAKE_DOM0_START >> PAGE_SHIFT;
         mfn < FAKE_DOM0_END >> PAGE_SHIFT; mfn++)
        frame_info(_mfn(mfn))->owner = OWNER_DOM0;
    dom0_next = maddr_to_mfn(_maddr(FAKE_DOM0_START));
    memset(&fake_dom0, 0, sizeof(fake_dom0));
    fake_dom0.privileged = true;
    fake_dom0.kexec_safe = true;
    fake_dom0.nr_pages = (FAKE_DOM0_END - FAKE_DOM0_START) >> PAGE_SHIFT;
    dom0 = &fake_dom0;
    for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
        fake_current[cpu] = dom0;

    crash_notes_init();
    kexec_init();
}

/* ---- guest memory -------------------------------------------------------- */

uint64_t fake_guest_alloc(size_t bytes)
{
    uint64_t gva = FAKE_GUEST_VA + guest_next;

    guest_next += ROUNDUP(bytes, PAGE_SIZE);
    ck_assert_msg(guest_next <= FAKE_GUEST_SIZE, "fake guest memory is full");
    return gva;
}

void *fake_guest_ptr(uint64_t gva)
{
    ck_assert(gva >= FAKE_GUEST_VA && gva - FAKE_GUEST_VA < FAKE_GUEST_SIZE);
    return guest_mem + (gva - FAKE_GUEST_VA);
}

void fake_guest_unmap(uint64_t gva)
{
    guest_unmapped[(gva - FAKE_GUEST_VA) >> PAGE_SHIFT] = true;
}

mfn_t fake_dom0_frame(uint8_t fill)
{
    mfn_t mfn = dom0_next;

    dom0_next = mfn_add(dom0_next, 1);
    ck_assert(mfn_x(mfn) < FAKE_DOM0_END >> PAGE_SHIFT);
    memset(mfn_to_virt(mfn), fill, PAGE_SIZE);
    return mfn;
}

bool guest_range_ok(vaddr_t va, uint64_t n)
{
    const uint64_t top = 1ULL << 47; /* the lower canonical half */
    uint64_t addr = vaddr_x(va);

    return n <= top && addr <= top - n;
}

/* Where [gva, + n) is in the fake guest's memory and mapped, or NULL. */
static uint8_t *guest_bytes(vaddr_t va, size_t n)
{
    uint64_t gva = vaddr_x(va);

    if (!guest_range_ok(va, n) || gva < FAKE_GUEST_VA || n > FAKE_GUEST_SIZE ||
        gva - FAKE_GUEST_VA > FAKE_GUEST_SIZE - n)
        return NULL;
    for (uint64_t p = gva & PAGE_MASK; p < gva + n; p += PAGE_SIZE)
        if (guest_unmapped[(p - FAKE_GUEST_VA) >> PAGE_SHIFT])
            return NULL;
    return guest_mem + (gva - FAKE_GUEST_VA);
}

int copy_from_guest(void *to, vaddr_t guest_src, size_t n)
{
    const uint8_t *p = n ? guest_bytes(guest_src, n) : to;

    if (!p)
        return -EFAULT;
    memmove(to, p, n);
    return 0;
}

int copy_to_guest(vaddr_t guest_dst, const void *from, size_t n)
{
    uint8_t *p = n ? guest_bytes(guest_dst, n) : NULL;

    if (n && !p)
        return -EFAULT;
    memmove(p, from, n);
    return 0;
}

int clear_guest(vaddr_t guest_dst, size_t n)
{
    uint8_t *p = n ? guest_bytes(guest_dst, n) : NULL;

    if (n && !p)
        return -EFAULT;
    memset(p, 0, n);
    return 0;
}

/* ---- console ------------------------------------------------------------- */

void arch_console_init(void)
{
}

void arch_console_write(const char *buf, size_t len)
{
    if (getenv("FAKE_CONSOLE_ECHO"))
        fwrite(buf, 1, len, stderr);
    ck_assert_msg(console_len + len < sizeof(console_buf),
                  "the fake console is full");
    memcpy(console_buf + console_len, buf, len);
    console_len += len;
    console_buf[console_len] = '\0';
}

const char *fake_console(void)
{
    return console_buf + console_mark;
}

void fake_console_clear(void)
{
    console_mark = console_len;
}

unsigned int fake_console_count(const char *needle)
{
    unsigned int n = 0;

    for (const char *line = fake_console(); *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *hit = strstr(line, needle);

        if (hit && hit + strlen(needle) <= line + len)
            n++;
        line += len + (end ? 1 : 0);
    }
    return n;
}

/* ---- CPUs, time, the end of a run ---------------------------------------- */

uint64_t arch_us_to_ticks(uint64_t us)
{
    return us;
}

uint64_t arch_ticks_per_ms(void)
{
    return 1000;
}

unsigned int arch_nr_cpus(void)
{
    return fake_nr_cpus;
}

unsigned int arch_phys_addr_bits(void)
{
    return 36;
}

static __noreturn void fake_end(enum fake_end how)
{
    fake_exit.how = how;
    fake_exit.cpu = fake_cpu;
    ck_assert_msg(fake_exit_jmp, "a run ended outside FAKE_RUN()");
    longjmp(*fake_exit_jmp, 1);
}

void fake_report_exit(uint8_t code)
{
    fake_exit.code = code;
}

void arch_halt_forever(void)
{
    fake_end(FAKE_EXITED);
}

void arch_stop_other_cpus(void)
{
    for (unsigned int cpu = 0; cpu < fake_nr_cpus; cpu++)
        if (cpu != fake_cpu)
            cpu_stopped[cpu] = true;
}

void arch_park_stopped_cpus(void)
{
}

uint64_t fake_cpu_rip(unsigned int cpu)
{
    return 0xc0de0000 + cpu;
}

/* A CPU stops for good: the racer of a shootdown, back into it. */
void arch_stop_this_cpu(void)
{
    cpu_stopped[fake_cpu] = true;
    ck_assert_msg(racer_jmp, "CPU %u stopped outside a shootdown", fake_cpu);
    longjmp(*racer_jmp, 1);
}

/* The racer panics, loses, saves its note and stops (back here). */
static void racer_panics(unsigned int cpu)
{
    jmp_buf jb;

    racer_jmp = &jb;
    if (!setjmp(jb))
        panic("fake: CPU %u crashed at the same moment", cpu);
    racer_jmp = NULL;
}

void arch_crash_shootdown(uint64_t timeout_ms, arch_on_stop_fn on_stop)
{
    unsigned int me = fake_cpu;

    (void)timeout_ms; /* every fake CPU answers */
    fake_shootdowns++;
    for (unsigned int cpu = 0; cpu < fake_nr_cpus; cpu++) {
        struct cpu_user_regs r = { fake_cpu_rip(cpu), 0x7000 + cpu, 0 };

        if (cpu == me || (fake_late_cpu && cpu == fake_late_cpu))
            continue;
        fake_cpu = cpu;
        if (fake_racer_cpu && cpu == fake_racer_cpu && !cpu_stopped[cpu])
            racer_panics(cpu);
        if (cpu_stopped[cpu] || !on_stop || on_stop(&r))
            fake_cpus_stopped++;
        cpu_stopped[cpu] = true;
        fake_cpu = me;
    }
}

void arch_crash_fill_prstatus(struct hv_elf_prstatus *p, unsigned int cpu,
                              const struct cpu_user_regs *regs)
{
    p->pr_reg[PR_RIP] = regs->rip;
    p->pr_reg[PR_RSP] = regs->rsp;
    p->pr_reg[PR_RBP] = regs->rbp;
    p->pr_pid = (int32_t)cpu + 1;
}

size_t arch_vmcoreinfo(char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "NUMBER(FAKE_ARCH)=1\n");

    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* ---- memory -------------------------------------------------------------- */

bool arch_frame_is_guest_mapped(mfn_t mfn)
{
    (void)mfn;
    return false; /* the fake guest has no page tables */
}

void arch_flush_domain_tlbs(struct domain *d)
{
    (void)d;
}

/* ---- kexec images -------------------------------------------------------- */

struct fake_page {
    maddr_t dest;
    mfn_t src;   /* the guest's frame (COPY) */
    mfn_t stage; /* its staged copy, or INVALID_MFN */
    bool zero;
};

struct fake_image {
    struct kexec_image img; /* first: common/'s part */
    mfn_t control;
    uint64_t nr_pages;
    struct fake_page *pages;
};

static struct fake_image *fake_image_of(struct kexec_image *img)
{
    return (struct fake_image *)img;
}

static void image_live(struct fake_image *fi, bool live)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(live_images); i++)
        if (live_images[i] == (live ? NULL : fi)) {
            live_images[i] = live ? fi : NULL;
            fake_images_live += live ? 1 : -1;
            return;
        }
    ck_abort_msg("more live images than the fake keeps");
}

/* A frame off every destination, as the real builder's; or INVALID_MFN. */
static mfn_t build_alloc(const struct kimage_machine *m)
{
    mfn_t avoided[64], mfn;
    unsigned int nr = 0;

    if (fake_build_allocs_left == 0)
        return INVALID_MFN;
    if (fake_build_allocs_left > 0)
        fake_build_allocs_left--;
    for (;;) {
        mfn = alloc_frame(_mfn(0));
        if (mfn_is_invalid(mfn) || !kimage_is_dest(m, mfn) ||
            nr == ARRAY_SIZE(avoided))
            break;
        avoided[nr++] = mfn;
    }
    while (nr)
        free_frame(avoided[--nr]);
    return !mfn_is_invalid(mfn) && kimage_is_dest(m, mfn) ? INVALID_MFN : mfn;
}

void machine_kexec_free(struct kexec_image *img)
{
    struct fake_image *fi = fake_image_of(img);

    if (!img)
        return;
    for (uint64_t i = 0; i < fi->nr_pages; i++)
        if (!mfn_is_invalid(fi->pages[i].stage))
            free_frame(fi->pages[i].stage);
    if (!mfn_is_invalid(fi->control))
        free_frame(fi->control);
    free(fi->pages);
    image_live(fi, false);
    free(fi);
}

int machine_kexec_build(const struct kexec_load *hdr,
                        const struct kexec_entry *ents,
                        const struct kimage_machine *m, unsigned int slot,
                        bool unstaged, struct kexec_image **out, uint64_t *bad,
                        const char **why)
{
    struct fake_image *fi = calloc(1, sizeof(*fi));
    uint64_t pages = 0;

    ck_assert(fi);
    for (uint64_t i = 0; i < hdr->nr_entries; i++)
        if (ents[i].op == KEXEC_OP_COPY || ents[i].op == KEXEC_OP_ZERO)
            pages += ents[i].arg1;
    fi->img = (struct kexec_image){
        .type = hdr->type,
        .arch = hdr->arch,
        .slot = (uint8_t)slot,
        .unstaged = unstaged,
        .entry = hdr->entry_maddr,
        .dest_pages = pages,
    };
    fi->pages = calloc(pages ? pages : 1, sizeof(*fi->pages));
    ck_assert(fi->pages);
    image_live(fi, true);

    fi->control = build_alloc(m);
    if (mfn_is_invalid(fi->control)) {
        *bad = KEXEC_BAD_HEADER;
        *why = "no memory for the control page";
        goto fail;
    }
    fi->img.control_maddr = mfn_to_maddr(fi->control);
    for (uint64_t i = 0; i < hdr->nr_entries; i++) {
        const struct kexec_entry *e = &ents[i];

        if (e->op != KEXEC_OP_COPY && e->op != KEXEC_OP_ZERO)
            continue;
        for (uint64_t k = 0; k < e->arg1; k++) {
            struct fake_page *p = &fi->pages[fi->nr_pages++];

            p->dest = _maddr(e->arg2 + k * PAGE_SIZE);
            p->zero = e->op == KEXEC_OP_ZERO;
            p->src = p->zero ? INVALID_MFN : _mfn(e->arg0 + k);
            p->stage = INVALID_MFN;
            if (p->zero || unstaged)
                continue;
            p->stage = build_alloc(m);
            if (mfn_is_invalid(p->stage)) {
                *bad = i;
                *why = "no memory to stage a page";
                goto fail;
            }
            memcpy(mfn_to_virt(p->stage), mfn_to_virt(p->src), PAGE_SIZE);
        }
    }
    *out = &fi->img;
    return 0;

fail:
    machine_kexec_free(&fi->img);
    return -ENOMEM;
}

static const void *page_source(const struct fake_page *p)
{
    static const uint8_t zeroes[PAGE_SIZE];

    if (p->zero)
        return zeroes;
    return mfn_to_virt(!mfn_is_invalid(p->stage) ? p->stage : p->src);
}

void machine_kexec_place(struct kexec_image *img, uint64_t panic_after)
{
    struct fake_image *fi = fake_image_of(img);

    ck_assert_msg(!fake_region_protected,
                  "the crash region is written while write protected");
    for (uint64_t i = 0; i < fi->nr_pages; i++) {
        if (panic_after && i == panic_after)
            panic("kexec test: panic in the middle of a crash-image reload "
                  "(%lu of %lu pages written)",
                  (unsigned long)i, (unsigned long)fi->nr_pages);
        memcpy(maddr_to_virt(fi->pages[i].dest), page_source(&fi->pages[i]),
               PAGE_SIZE);
    }
    for (uint64_t i = 0; i < fi->nr_pages; i++) {
        if (!mfn_is_invalid(fi->pages[i].stage))
            free_frame(fi->pages[i].stage);
        fi->pages[i].stage = INVALID_MFN;
        /* Placed: the destination is now the page's only copy. */
        fi->pages[i].zero = false;
        fi->pages[i].src = maddr_to_mfn(fi->pages[i].dest);
    }
    img->in_place = true;
    img->unstaged = false;
}

void machine_kexec_protect_region(bool protect)
{
    fake_region_protected = protect;
}

/* The jump: a staged image is relocated first, as the trampoline does. */
void machine_kexec(struct kexec_image *img)
{
    struct fake_image *fi = fake_image_of(img);

    ck_assert_msg(!img->unstaged, "an unstaged image was run");
    fake_exit.type = img->type;
    fake_exit.entry = img->entry;
    fake_exit.in_place = img->in_place;
    if (!img->in_place)
        for (uint64_t i = 0; i < fi->nr_pages; i++)
            memcpy(maddr_to_virt(fi->pages[i].dest), page_source(&fi->pages[i]),
                   PAGE_SIZE);
    fake_exit.dests_match = true;
    for (uint64_t i = 0; i < fi->nr_pages; i++)
        if (memcmp(maddr_to_virt(fi->pages[i].dest), page_source(&fi->pages[i]),
                   PAGE_SIZE))
            fake_exit.dests_match = false;
    fake_end(FAKE_KEXECED);
}
