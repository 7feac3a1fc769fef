/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Included first in every hypervisor object (-include).  The image is
 * built position independent (-fpie) so that the same objects run at
 * the high link address and, for a few instructions, at wherever the
 * UEFI firmware loaded them; marking every symbol hidden makes GCC reach
 * them RIP-relative instead of through a GOT.
 */
#pragma GCC visibility push(hidden)
