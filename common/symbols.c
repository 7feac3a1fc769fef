/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own symbol table (generated at link time by
 * tools/symbols/gen-symbols.sh), for symbolised RIPs in dumps and
 * stack traces: "func+0x1c/0x80".
 */
#include <hv/lib.h>
#include <hv/symbols.h>

struct hv_symbol {
    uint64_t addr;
    uint32_t size;
    uint32_t name; /* offset into hv_symbol_names */
};

extern const uint64_t hv_nr_symbols;
extern const struct hv_symbol hv_symbols[];
extern const char hv_symbol_names[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
    uint64_t lo = 0, hi = hv_nr_symbols;

    /* Last symbol whose address is <= addr. */
    while (lo < hi) {
        uint64_t mid = (lo + hi) / 2;

        if (hv_symbols[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    lo--;
    /* Outside a sized symbol: unknown rather than a misleading name. */
    if (hv_symbols[lo].size &&
        addr - hv_symbols[lo].addr >= hv_symbols[lo].size)
        return NULL;
    *offset = addr - hv_symbols[lo].addr;
    *size = hv_symbols[lo].size;
    return &hv_symbol_names[hv_symbols[lo].name];
}

int format_symbol(char *buf, size_t size, uint64_t addr)
{
    uint64_t off, sz;
    const char *name = symbol_lookup(addr, &off, &sz);

    if (!name)
        return snprintf(buf, size, "%#lx", (unsigned long)addr);
    return snprintf(buf, size, "%s+0x%lx/0x%lx", name, (unsigned long)off,
                    (unsigned long)sz);
}
