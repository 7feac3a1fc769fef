/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86's part of the crash notes (common/crash-notes.c holds the notes):
 * a saved register frame as an ELF prstatus, and the registers of the
 * code that called panic().
 */
#include <asm/desc.h>
#include <asm/processor.h>
#include <hv/arch.h>
#include <hv/crash.h>
#include <public/elfnote.h>

void arch_crash_fill_prstatus(struct hv_elf_prstatus *p, unsigned int cpu,
                              const struct cpu_user_regs *r)
{
    uint16_t ds, es, fs, gs;

    /* clang-format off */
    asm volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                 : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    /* clang-format on */
    p->pr_reg[PR_R15] = r->r15;
    p->pr_reg[PR_R14] = r->r14;
    p->pr_reg[PR_R13] = r->r13;
    p->pr_reg[PR_R12] = r->r12;
    p->pr_reg[PR_RBP] = r->rbp;
    p->pr_reg[PR_RBX] = r->rbx;
    p->pr_reg[PR_R11] = r->r11;
    p->pr_reg[PR_R10] = r->r10;
    p->pr_reg[PR_R9] = r->r9;
    p->pr_reg[PR_R8] = r->r8;
    p->pr_reg[PR_RAX] = r->rax;
    p->pr_reg[PR_RCX] = r->rcx;
    p->pr_reg[PR_RDX] = r->rdx;
    p->pr_reg[PR_RSI] = r->rsi;
    p->pr_reg[PR_RDI] = r->rdi;
    p->pr_reg[PR_ORIG_RAX] = ~0UL;
    p->pr_reg[PR_RIP] = r->rip;
    p->pr_reg[PR_CS] = r->cs;
    p->pr_reg[PR_RFLAGS] = r->rflags;
    p->pr_reg[PR_RSP] = r->rsp;
    p->pr_reg[PR_SS] = r->ss;
    p->pr_reg[PR_DS] = ds;
    p->pr_reg[PR_ES] = es;
    p->pr_reg[PR_FS] = fs;
    p->pr_reg[PR_GS] = gs;
    p->pr_pid = (int32_t)cpu + 1;
}

/*
 * The registers of the code that called panic(): RIP is inside its call
 * instruction (the return address - 1, see panic()), RSP and RBP the
 * caller's frame.  The other registers are
 * whatever they held on the way in, as in a core dump of a live thread.
 */
void crash_capture_caller(struct cpu_user_regs *r, uint64_t rip, uint64_t rsp,
                          uint64_t rbp)
{
    /* clang-format off */
    asm volatile("mov %%rbx, %0; mov %%r12, %1; mov %%r13, %2; "
                 "mov %%r14, %3; mov %%r15, %4"
                 : "=m"(r->rbx), "=m"(r->r12), "=m"(r->r13), "=m"(r->r14),
                   "=m"(r->r15));
    /* clang-format on */
    r->rip = rip;
    r->rsp = rsp;
    r->rbp = rbp;
    r->cs = HV_CS;
    r->ss = HV_DS;
    r->rflags = read_rflags();
}
