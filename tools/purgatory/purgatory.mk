# SPDX-License-Identifier: GPL-2.0-only
#
# purgatory (tools/purgatory/), included by the top-level Makefile; paths
# are relative to the repository root.
#
#   $(PURGATORY_ELF) = $(BUILD)/purgatory/purgatory.elf   (built by `make all`)
#
# ELF64 ET_DYN linked at 0, position independent, no relocations at all
# (the recipe refuses any, as tests/images/images.mk does for check64): the
# loader (tools/kexec-loader/purgatory-load.h) puts it at any page-aligned
# base.  -mgeneral-regs-only everywhere but sha256-shani.c, which needs SSE
# (head.S turns it on before any C runs).

PURGATORY_DIR    := $(BUILD)/purgatory
PURGATORY_OBJDIR := $(PURGATORY_DIR)/obj
PURGATORY_ELF    := $(PURGATORY_DIR)/purgatory.elf

PURGATORY_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell gcc -print-file-name=include) \
	-m64 -fpie -fno-plt -fno-jump-tables -mno-red-zone \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Itools/purgatory
# <immintrin.h> pulls <mm_malloc.h>, which wants the C library: not needed.
PURGATORY_SSE_CFLAGS := -msse4.1 -msha -D_MM_MALLOC_H_INCLUDED \
	-fvisibility=hidden
PURGATORY_LDFLAGS := -nostdlib -static -z noexecstack -z max-page-size=0x1000 \
	--build-id=none -m elf_x86_64 -pie --no-dynamic-linker -z norelro \
	--hash-style=gnu --no-warn-rwx-segments

PURGATORY_OBJS := $(addprefix $(PURGATORY_OBJDIR)/,head.o purgatory.o \
	sha256.o sha256-shani.o)

$(PURGATORY_OBJDIR)/head.o: tools/purgatory/head.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $< (purgatory)")
	$(Q)gcc -D__ASSEMBLER__ -g -m64 -Itools/purgatory -MMD -MP -c $< -o $@

$(PURGATORY_OBJDIR)/purgatory.o: tools/purgatory/purgatory.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (purgatory)")
	$(Q)gcc $(PURGATORY_CFLAGS) -mgeneral-regs-only -MMD -MP -c $< -o $@

$(PURGATORY_OBJDIR)/sha256.o: tools/kexec-loader/sha256.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (purgatory)")
	$(Q)gcc $(PURGATORY_CFLAGS) -fvisibility=hidden -mgeneral-regs-only \
		-MMD -MP -c $< -o $@

$(PURGATORY_OBJDIR)/sha256-shani.o: tools/purgatory/sha256-shani.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (purgatory)")
	$(Q)gcc $(PURGATORY_CFLAGS) $(PURGATORY_SSE_CFLAGS) -MMD -MP -c $< -o $@

$(PURGATORY_ELF): $(PURGATORY_OBJS) tools/purgatory/purgatory.lds
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)ld $(PURGATORY_LDFLAGS) -T tools/purgatory/purgatory.lds \
		-o $@.tmp $(PURGATORY_OBJS)
	$(Q)if ! readelf -rW $@.tmp | grep -q 'There are no relocations'; then \
		echo "$@: relocations left: absolute addresses crept into" \
		     "purgatory" >&2; \
		readelf -rW $@.tmp >&2; rm -f $@.tmp; exit 1; fi
	$(Q)if readelf -lW $@.tmp | grep -Eq '^ +(INTERP|DYNAMIC|TLS|GNU_RELRO) '; then \
		echo "$@: unexpected program headers" >&2; \
		readelf -lW $@.tmp >&2; rm -f $@.tmp; exit 1; fi
	$(Q)mv $@.tmp $@

purgatory: $(PURGATORY_ELF)

-include $(PURGATORY_OBJS:.o=.d)

.PHONY: purgatory
