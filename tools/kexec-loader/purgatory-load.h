/* SPDX-License-Identifier: MIT */
/*
 * Placing purgatory (tools/purgatory/) with its filled argument block:
 * the loader's side of tools/purgatory/purgatory-args.h.  Freestanding
 * like the rest of tools/kexec-loader/.
 *
 * A loader builds the next image's entry list as usual (kxl_build, or the
 * Linux loader), describes each of its segments with
 * kxl_purgatory_region() (the digest of exactly what will be placed there,
 * zero fill included), fills a struct purgatory_args (magic, version,
 * mode, entry, regs, ports), then builds purgatory's own list with
 * kxl_build_purgatory() and appends it.  The load's entry point is
 * purgatory's (res->entry_maddr).  Purgatory's pages must not be a region
 * and must not meet the image's pages.
 */
#ifndef KXL_PURGATORY_LOAD_H
#define KXL_PURGATORY_LOAD_H

#include "kexec-loader.h"
#include "../purgatory/purgatory-args.h"

/*
 * Build purgatory's entry list: the ELF (purgatory.elf, ET_DYN) at base
 * (page aligned), destinations inside [region_start, + region_size) if
 * region_size != 0, the section ".purgatory_args" filled with *args in
 * its bounce page.  KXL_EARG if args has not the magic and version of
 * purgatory-args.h or more than PURGATORY_MAX_REGIONS regions; otherwise
 * kxl_build()'s codes.  res->entry_maddr is purgatory's entry,
 * res->params_maddr where the block lands.
 */
int kxl_build_purgatory(const void *elf, size_t elf_size, kxl_maddr_t base,
                        kxl_maddr_t region_start, uint64_t region_size,
                        const struct purgatory_args *args,
                        const struct kxl_env *env, struct kexec_entry *ents,
                        size_t cap, struct kxl_result *res);

/*
 * Fill a region record: start, size, name (truncated to 15 characters,
 * NUL padded) and the SHA-256 (portable code) of size bytes that are
 * data[0 .. filled) and then zero (filled > size counts as size).
 */
void kxl_purgatory_region(struct purgatory_region *r, const char *name,
                          kxl_maddr_t start, uint64_t size, const void *data,
                          uint64_t filled);

/*
 * Append the record of one segment to a: [start, + size) holds lead_zero
 * zero bytes, then data[0 .. filled), then zeros.  KXL_E2BIG if a has
 * PURGATORY_MAX_REGIONS already, KXL_EARG if lead_zero + filled > size; a
 * is unchanged then.
 */
int kxl_purgatory_add(struct purgatory_args *a, const char *name,
                      kxl_maddr_t start, uint64_t size, uint64_t lead_zero,
                      const void *data, uint64_t filled);

#endif
