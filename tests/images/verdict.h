/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the kexec test images (tests/images/) report.
 *
 * Serial: COM1 (I/O port 0x3f8), polled 16550, 115200 8N1 (re-initialised
 * by the image after the transmitter has drained).  One line per check:
 *     PASS: <image>: <what>
 *     FAIL: <image>: <what> (got X, want Y)
 * informational lines "<image>: ..." (start, image id, type), and last:
 *     <image>: verdict PASS
 *     <image>: verdict FAIL (N failed)
 * where <image> is check64 or check32 and N the number of FAIL lines.
 *
 * Exit: a write of the code to the isa-debug-exit device (I/O port 0xf4;
 * QEMU: -device isa-debug-exit,iobase=0xf4,iosize=4), which makes QEMU exit
 * with status (code << 1) | 1:
 *
 *   code  QEMU status  meaning
 *   0x20       65      every check passed
 *   0x21       67      at least one check failed (including an unexpected
 *                      exception inside the image, reported as a FAIL line)
 *   0x22       69      the benchmark's one-page image ran (dom0's
 *                      bench-reloc, tests/guest/tests/bench.c: it checks
 *                      nothing, it only shows the handoff reached it)
 *
 * The codes do not collide with the hypervisor's own (include/hv/shutdown.h:
 * 0x01 .. 0x05).  Without the device the write is ignored and the image
 * halts with interrupts off.
 */
#ifndef TESTS_IMAGES_VERDICT_H
#define TESTS_IMAGES_VERDICT_H

#define IMAGE_COM1_PORT       0x3f8
#define IMAGE_DEBUG_EXIT_PORT 0xf4

#define IMAGE_EXIT_PASS  0x20 /* QEMU exit status 65 */
#define IMAGE_EXIT_FAIL  0x21 /* QEMU exit status 67 */
#define IMAGE_EXIT_BENCH 0x22 /* QEMU exit status 69 */

#define IMAGE_QEMU_STATUS(code) (((code) << 1) | 1)

#endif /* TESTS_IMAGES_VERDICT_H */
