/* SPDX-License-Identifier: GPL-2.0-only */
/* Checked guest-memory copies (see hv/guest-access.h). */
#include <asm/config.h>
#include <asm/page.h>
#include <hv/errno.h>
#include <hv/guest-access.h>

#define LOWER_HALF_END 0x0000800000000000UL

bool guest_range_ok(vaddr_t va, uint64_t n)
{
    uint64_t addr = vaddr_x(va), last = addr + n - 1;

    if (!n)
        return true;
    if (last < addr)
        return false; /* wraps around */
    if (last < LOWER_HALF_END)
        return true;
    /* Upper half: above the hypervisor's slots, never inside them. */
    return addr >= HV_VIRT_AREA_END && is_canonical(addr);
}

int copy_from_guest(void *to, vaddr_t guest_src, size_t n)
{
    if (!guest_range_ok(guest_src, n) ||
        raw_copy_from_guest(to, (const void *)vaddr_x(guest_src), n))
        return -EFAULT;
    return 0;
}

int copy_to_guest(vaddr_t guest_dst, const void *from, size_t n)
{
    if (!guest_range_ok(guest_dst, n) ||
        raw_copy_to_guest((void *)vaddr_x(guest_dst), from, n))
        return -EFAULT;
    return 0;
}

int clear_guest(vaddr_t guest_dst, size_t n)
{
    if (!guest_range_ok(guest_dst, n) ||
        raw_clear_guest((void *)vaddr_x(guest_dst), n))
        return -EFAULT;
    return 0;
}
