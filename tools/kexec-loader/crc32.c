/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 of zlib (kexec-loader.h): reflected, polynomial 0xEDB88320,
 * initial value and final XOR 0xFFFFFFFF.  Bitwise with a nibble table:
 * small, no initialised table to build, fast enough for test images.
 */
#include "kexec-loader.h"

static const uint32_t nibble_table[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
    0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
    0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

static uint32_t crc_byte(uint32_t c, uint8_t b)
{
    c ^= b;
    c = (c >> 4) ^ nibble_table[c & 15];
    c = (c >> 4) ^ nibble_table[c & 15];
    return c;
}

uint32_t kxl_crc32(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint32_t c = ~crc;

    while (len--)
        c = crc_byte(c, *p++);
    return ~c;
}

uint32_t kxl_crc32_zeros(uint32_t crc, uint64_t len)
{
    uint32_t c = ~crc;

    while (len--)
        c = crc_byte(c, 0);
    return ~c;
}
