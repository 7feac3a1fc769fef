/* SPDX-License-Identifier: GPL-2.0-only */
/* The ELF note writer (include/hv/crash.h).  Portable, host-tested. */
#include <hv/crash.h>
#include <hv/lib.h>

size_t elfnote_write(void *buf, size_t cap, const char *name, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    uint32_t namesz = (uint32_t)strlen(name) + 1;
    size_t name_pad = (namesz + 3) & ~3u, desc_pad = (descsz + 3) & ~3u;
    size_t total = 12 + name_pad + desc_pad;
    uint8_t *p = buf;
    uint32_t hdr[3] = { namesz, descsz, type };

    if (total > cap)
        return 0;
    memset(p, 0, total);
    memcpy(p, hdr, sizeof(hdr));
    memcpy(p + 12, name, namesz);
    if (desc)
        memcpy(p + 12 + name_pad, desc, descsz);
    return total;
}
