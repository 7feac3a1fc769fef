/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How x86 reports the end of a run (the codes: include/hv/shutdown.h):
 * a write of the code to QEMU's isa-debug-exit port.  On hardware without
 * the device the write is ignored.
 */
#ifndef ASM_SHUTDOWN_H
#define ASM_SHUTDOWN_H

#include <asm/processor.h>
#include <hv/shutdown.h>

static inline void arch_report_exit(uint8_t code)
{
    outb(DEBUG_EXIT_PORT, code);
}

#endif /* ASM_SHUTDOWN_H */
