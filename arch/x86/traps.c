/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IDT, the per-CPU GDT and TSS, and trap dispatch:
 *   1. an interrupt or NMI goes to its handler;
 *   2. a fault at an instruction in the exception table resumes at its
 *      fixup (guest-memory access, -EFAULT);
 *   3. anything else in the hypervisor is fatal: a Xen-style register
 *      dump with symbols and a stack trace, then panic().
 */
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hv/bug.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <asm/pv.h>
#include <hv/symbols.h>

BUILD_BUG_ON(offsetof(struct cpu_user_regs, error_code) != 15 * 8);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rip) != 16 * 8);
BUILD_BUG_ON(sizeof(struct cpu_user_regs) != 21 * 8);
BUILD_BUG_ON(sizeof(struct tss64) != 104);
/* The bitmap must follow the TSS directly: iomap_base is an offset. */
BUILD_BUG_ON(offsetof(struct cpu_info, io_bitmap) !=
             offsetof(struct cpu_info, tss) + sizeof(struct tss64));

struct __packed idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

static struct idt_entry idt[256] __aligned(16);
extern const char idt_stubs[];
/* The handoff's drain IDT (apic_take_pending()): the exceptions as in
   idt[], every other vector a bare iretq. */
static struct idt_entry drain_idt[256] __aligned(16);
extern const char drain_interrupt[];
static irq_handler_t irq_handlers[256];
irq_handler_t nmi_callback;

/* Packed table; clang-format would put one entry per line. */
/* clang-format off */
static const char *const trap_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bounds",
    "invalid opcode", "device not available", "double fault",
    "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack segment fault", "general protection fault", "page fault",
    "reserved", "x87 FPU error", "alignment check", "machine check",
    "SIMD error", "virtualisation exception", "control protection",
};
/* clang-format on */

const char *trap_name(unsigned int vector)
{
    if (vector < 32 && trap_names[vector])
        return trap_names[vector];
    return vector < 32 ? "reserved" : "interrupt";
}

static struct idt_entry make_gate(uint64_t addr, unsigned int ist,
                                  unsigned int dpl)
{
    return (struct idt_entry){
        .offset_lo = addr & 0xffff,
        .selector = HV_CS,
        .ist = ist,
        .type_attr = 0x8e | (dpl << 5), /* present, 64-bit interrupt gate */
        .offset_mid = (addr >> 16) & 0xffff,
        .offset_hi = addr >> 32,
    };
}

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl)
{
    idt[vec] = make_gate((uint64_t)idt_stubs + 16 * vec, ist, dpl);
}

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    irq_handlers[vector] = fn;
}

static void lidt(struct idt_entry *table)
{
    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)table };

    /* clang-format off */
    asm volatile("lidt %0" :: "m"(p) : "memory");
    /* clang-format on */
}

void idt_load(void)
{
    lidt(idt);
}

void idt_load_drain(void)
{
    lidt(drain_idt);
}

void traps_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, 0, 0);
    set_gate(TRAP_DF, IST_DF, 0);
    set_gate(TRAP_NMI, IST_NMI, 0);
    set_gate(TRAP_MC, IST_MC, 0);
    for (unsigned int v = 0; v < 256; v++)
        drain_idt[v] = v < 32 ? idt[v]
                              : make_gate((uint64_t)drain_interrupt, 0, 0);
}

/* The GDT and TSS live in struct cpu_info; IST stacks in the stack block. */
void traps_init_cpu(unsigned int cpu)
{
    struct cpu_info *ci = get_cpu_info();
    uint64_t tss = (uint64_t)&ci->tss;
    struct desc_ptr gp = { sizeof(ci->gdt) - 1, (uint64_t)ci->gdt };

    ci->gdt[0] = 0;
    ci->gdt[HV_CS >> 3] = 0x00af9a000000ffffUL; /* ring-0 code, L */
    ci->gdt[HV_DS >> 3] = 0x00cf92000000ffffUL; /* ring-0 data */
    /*
     * Guests are 64-bit only: the 32-bit ring-3 code slot stays a null
     * descriptor (loading GUEST_CS32 gives #GP), so no guest can enter
     * compat mode.  The slot is kept because STAR's sysret base names it.
     */
    ci->gdt[GUEST_CS32 >> 3] = 0;
    ci->gdt[GUEST_DS >> 3] = 0x00cff2000000ffffUL; /* ring-3 data */
    ci->gdt[GUEST_CS >> 3] = 0x00affa000000ffffUL; /* ring-3 code, L */
    ci->gdt[TSS_SEL >> 3] = (sizeof(ci->tss) + sizeof(ci->io_bitmap) - 1) |
                            ((tss & 0xffffff) << 16) | (0x89UL << 40) |
                            (((tss >> 24) & 0xff) << 56);
    ci->gdt[(TSS_SEL >> 3) + 1] = tss >> 32;

    memset(&ci->tss, 0, sizeof(ci->tss));
    ci->tss.ist[IST_DF - 1] = ci->stack_base + (IST_DF_PAGE + 1) * PAGE_SIZE;
    ci->tss.ist[IST_NMI - 1] = ci->stack_base + (IST_NMI_PAGE + 1) * PAGE_SIZE;
    ci->tss.ist[IST_MC - 1] = ci->stack_base + (IST_MC_PAGE + 1) * PAGE_SIZE;
    ci->tss.rsp[0] = (uint64_t)ci; /* guest -> hypervisor entries */
    /* Every port denied to ring 3 until pv_allow_io_ports() (and every
       port past the bitmap, past the TSS limit, always). */
    ci->tss.iomap_base = sizeof(ci->tss);
    memset(ci->io_bitmap, 0xff, sizeof(ci->io_bitmap));

    /* clang-format off */
    asm volatile("lgdt %0\n\t"
                 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
                 "pushq %2\n\tlea 1f(%%rip), %%rax\n\tpush %%rax\n\tlretq\n"
                 "1:\n\tltr %w3"
                 :: "m"(gp), "r"(HV_DS), "i"(HV_CS), "r"(TSS_SEL)
                 : "rax", "memory");
    /* clang-format on */
    idt_load();
    (void)cpu;
}

void show_stack_trace(uint64_t rip, uint64_t rbp)
{
    struct cpu_info *ci = get_cpu_info();
    uint64_t lo = ci->stack_base, hi = (uint64_t)ci;

    printk("Hypervisor stack trace:\n");
    printk("   [<%016lx>] %pS\n", (unsigned long)rip, (void *)rip);
    /* Follow the frame-pointer chain while it stays on this CPU's stacks. */
    for (int depth = 0; depth < 32; depth++) {
        uint64_t *frame = (uint64_t *)rbp;

        if (rbp < lo || rbp + 16 > hi || (rbp & 7))
            break;
        if (!frame[1])
            break;
        printk("   [<%016lx>] %pS\n", (unsigned long)frame[1],
               (void *)frame[1]);
        rbp = frame[0];
    }
}

void show_registers(const struct cpu_user_regs *r)
{
    uint16_t ds, es, fs, gs;

    /* clang-format off */
    asm volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                 : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    /* clang-format on */
    printk("----[ HV x86_64 ]----\n");
    printk("CPU:    %u\n", smp_processor_id());
    printk("RIP:    %04lx:[<%016lx>] %pS\n", (unsigned long)r->cs,
           (unsigned long)r->rip, (void *)r->rip);
    printk("RFLAGS: %016lx   CONTEXT: %s\n", (unsigned long)r->rflags,
           regs_from_guest(r) ? "guest" : "hypervisor");
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(),
           read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk(
        "ds: %04x   es: %04x   fs: %04x   gs: %04x   ss: %04lx   cs: %04lx\n",
        ds, es, fs, gs, (unsigned long)r->ss, (unsigned long)r->cs);
}

static __noreturn void fatal_trap(struct cpu_user_regs *regs)
{
    unsigned int v = regs->entry_vector;

    printk(HVLOG_ERR "FATAL TRAP: vector %u (%s), error code %#x%s\n", v,
           trap_name(v), regs->error_code, v == TRAP_PF ? ", see cr2" : "");
    show_registers(regs);
    if (!regs_from_guest(regs))
        show_stack_trace(regs->rip, regs->rbp);
    panic_regs(regs, "FATAL TRAP: vector %u (%s) at %pS", v, trap_name(v),
               (void *)regs->rip);
}

void do_trap(struct cpu_user_regs *regs)
{
    unsigned int v = regs->entry_vector;
    uint64_t fixup;

    if (v == TRAP_NMI) {
        if (nmi_callback) {
            nmi_callback(regs);
            return;
        }
        if (smp_nmi_is_late_check())
            return;
        printk(HVLOG_ERR "Unexpected NMI on CPU %u\n", smp_processor_id());
        fatal_trap(regs);
    }
    if (v >= 32) {
        if (irq_handlers[v]) {
            irq_handlers[v](regs);
            return;
        }
        if (v == VECTOR_SPURIOUS)
            return;
        printk(HVLOG_WARNING "Unhandled interrupt vector %#x on CPU %u\n", v,
               smp_processor_id());
        return;
    }
    if (regs_from_guest(regs)) {
        pv_guest_fault(regs); /* crashes the domain */
        return;
    }
    if ((fixup = search_exception_table(regs->rip))) {
        regs->rip = fixup;
        return;
    }
    fatal_trap(regs);
}
