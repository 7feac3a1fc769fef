/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access to guest memory.  A guest pointer is checked against the guest
 * part of the address space (the lower canonical half, and the upper half
 * outside the hypervisor's slots), then used through a primitive that
 * cannot crash the hypervisor: a fault returns -EFAULT through the
 * exception table.  The same idiom as Xen's:
 *     if (copy_from_guest(&op, arg, sizeof(op))) return -EFAULT;
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long n);
unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long n);
unsigned long raw_clear_guest(void *to, unsigned long n);

/*
 * A guest pointer arrives as a number (a hypercall's register, a field of
 * a guest struct); it becomes a vaddr_t where it is used as one, here.
 */

/* True when [addr, addr + n) is all guest address space. */
bool guest_range_ok(vaddr_t addr, uint64_t n);

/* 0, or -EFAULT (bad range, or the access faulted). */
int copy_from_guest(void *to, vaddr_t guest_src, size_t n);
int copy_to_guest(vaddr_t guest_dst, const void *from, size_t n);
int clear_guest(vaddr_t guest_dst, size_t n);

#endif /* HV_GUEST_ACCESS_H */
