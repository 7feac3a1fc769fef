/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the hypervisor ends a run.  Under QEMU the isa-debug-exit device
 * (I/O port 0xf4) turns a write of code into the exit status
 * (code << 1) | 1, which is how tests tell the outcomes apart:
 *
 *   code  QEMU status  meaning
 *   0x01        3      poweroff: no dom0 module given, or a privileged
 *                      dom0 asked
 *   0x02        5      reboot requested
 *   0x03        7      an unprivileged domain ended (shutdown, crash or
 *                      fault) and no domain is left to run
 *   0x04        9      panic (no crash image ran)
 *   0x05       11      fault in the kexec handoff (control-page handler)
 *
 * A privileged dom0's crash is a panic (status 9, or the crash image's own
 * status); its poweroff and reboot are the machine's (3, 5).  On hardware
 * without the device the write is ignored and the CPU halts: for
 * EXIT_NO_DOMAIN that halt is the intended end (nothing left to run).
 * The kexec trampoline (assembly) includes this file for its fault code.
 */
#ifndef HV_SHUTDOWN_H
#define HV_SHUTDOWN_H

#define DEBUG_EXIT_PORT  0xf4
#define EXIT_POWEROFF    0x01
#define EXIT_REBOOT      0x02
#define EXIT_NO_DOMAIN   0x03
#define EXIT_PANIC       0x04
#define EXIT_KEXEC_FAULT 0x05

#ifndef __ASSEMBLER__
#include <hv/types.h>

__noreturn void machine_exit(uint8_t code);

#endif /* !__ASSEMBLER__ */

#endif /* HV_SHUTDOWN_H */
