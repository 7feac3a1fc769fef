/* SPDX-License-Identifier: MIT */
/*
 * The layout crash-init writes to the dump disk (/dev/vda, a raw file on
 * the host) and tools/vmcore-extract reads back.  Little-endian.
 *
 *   offset 0     struct crash_disk_header, zero padded to 4096 bytes
 *   offset 4096  the dump, `size` bytes; all-zero 4 KiB blocks are not
 *                written, so a fresh (all-zero, sparse) disk file stays
 *                sparse and still reads back exactly
 *
 * The header is written last, after the dump and an fsync (a zeroed
 * header block goes first): a disk whose save did not finish has no
 * magic.
 */
#ifndef CRASH_DISK_H
#define CRASH_DISK_H

#include <stdint.h>

#define CRASH_DISK_MAGIC        "CRASHVMC"
#define CRASH_DISK_VERSION      1
#define CRASH_DISK_DATA_OFFSET  4096

#define CRASH_DISK_FROM_VMCORE  0x1     /* flags: the source was /proc/vmcore */

struct crash_disk_header {
    char magic[8];              /* CRASH_DISK_MAGIC, no NUL */
    uint32_t version;           /* CRASH_DISK_VERSION */
    uint32_t flags;             /* CRASH_DISK_FROM_* */
    uint64_t data_offset;       /* CRASH_DISK_DATA_OFFSET */
    uint64_t size;              /* bytes of dump saved */
    uint64_t nonzero_blocks;    /* 4 KiB blocks actually written */
    uint64_t uptime_ms;         /* crash kernel's uptime when saved */
    char release[72];           /* the crash kernel's uname -r, NUL terminated */
    char source[128];           /* the file saved, NUL terminated */
};

_Static_assert(sizeof(struct crash_disk_header) == 248, "crash disk header layout");

#endif /* CRASH_DISK_H */
