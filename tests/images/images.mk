# SPDX-License-Identifier: GPL-2.0-only
#
# The kexec test images (tests/images/), included by the top-level Makefile
# or used alone: paths are relative to the repository root.
#
#   make images          build $(IMAGES_ELFS):
#                          $(BUILD)/images/check64.elf  ELF64 ET_DYN at 0, PIC,
#                                                       no relocations
#                          $(BUILD)/images/check32.elf  ELF32 ET_EXEC at 0x2000000
#   make images-smoke    run both under QEMU without the hypervisor, through a
#                        small handoff shim (tests/images/smoke/), good and
#                        deliberately broken handoffs (tests/images/smoke.py)
#
#   make -f tests/images/images.mk BUILD=build images     (standalone)
#
# What the images check and print, and how a loader fills their parameter
# block: tests/images/README.md, kexec-params.h, verdict.h.
#
# Objects go to $(BUILD)/images/obj/<image>/ through static pattern rules,
# so the top-level $(BUILD)/%.o rules (hypervisor flags) never apply.

# Included, this fragment leaves the includer's default goal alone;
# standalone, the default goal is `images`.
IMAGES_PREV_GOAL := $(.DEFAULT_GOAL)
IMAGES_STANDALONE := $(if $(filter images.mk,$(notdir $(firstword $(MAKEFILE_LIST)))),y)

BUILD ?= build
ifeq ($(origin CC),default)
CC := gcc
endif
LD ?= ld
READELF ?= readelf
PYTHON ?= /usr/bin/python3

IMAGES_SRC := tests/images
IMAGES_DIR := $(BUILD)/images
IMAGES_OBJDIR := $(IMAGES_DIR)/obj

IMAGES_ELFS := $(IMAGES_DIR)/check64.elf $(IMAGES_DIR)/check32.elf

# -fno-tree-loop-distribute-patterns: memset() must not become a call to
# memset().  -mgeneral-regs-only: the handoff leaves CR4.OSFXSR clear, so
# any SSE instruction would fault.
IMAGES_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none \
	-fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -I$(IMAGES_SRC)
IMAGES_ASFLAGS := -D__ASSEMBLER__ -g -I$(IMAGES_SRC)
IMAGES_LDFLAGS := -nostdlib -static -z noexecstack -z max-page-size=0x1000 \
	--build-id=none

# check64: -fpie -fno-plt and hidden visibility (common.h): RIP-relative
# only.  Linked -pie at 0 so that ld itself refuses absolute addresses in
# code and turns any in data into a dynamic relocation, which the recipe
# below rejects: the image must run unrelocated at any base.
IMAGES_64_CFLAGS := -m64 -fpie -fno-plt -fno-jump-tables \
	-DIMAGE_NAME='"check64"'
IMAGES_64_LDFLAGS := -m elf_x86_64 -pie --no-dynamic-linker -z norelro \
	--hash-style=gnu

# check32: absolute addresses, linked at 0x02000000; no libgcc.
IMAGES_32_CFLAGS := -m32 -fno-pic -DIMAGE_NAME='"check32"'
IMAGES_32_LDFLAGS := -m elf_i386

IMAGES_64_COBJS := $(addprefix $(IMAGES_OBJDIR)/check64/,check64.o common.o)
IMAGES_32_COBJS := $(addprefix $(IMAGES_OBJDIR)/check32/,check32.o common.o)
# The entry stub first: _start opens .text.
IMAGES_64_OBJS := $(IMAGES_OBJDIR)/check64/check64-head.o $(IMAGES_64_COBJS)
IMAGES_32_OBJS := $(IMAGES_OBJDIR)/check32/check32-head.o $(IMAGES_32_COBJS)

$(IMAGES_64_COBJS): $(IMAGES_OBJDIR)/check64/%.o: $(IMAGES_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (check64)")
	$(Q)$(CC) $(IMAGES_CFLAGS) $(IMAGES_64_CFLAGS) -MMD -MP -c $< -o $@

$(IMAGES_OBJDIR)/check64/check64-head.o: $(IMAGES_SRC)/check64-head.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(IMAGES_ASFLAGS) -m64 -MMD -MP -c $< -o $@

$(IMAGES_32_COBJS): $(IMAGES_OBJDIR)/check32/%.o: $(IMAGES_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (check32)")
	$(Q)$(CC) $(IMAGES_CFLAGS) $(IMAGES_32_CFLAGS) -MMD -MP -c $< -o $@

$(IMAGES_OBJDIR)/check32/check32-head.o: $(IMAGES_SRC)/check32-head.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(IMAGES_ASFLAGS) -m32 -MMD -MP -c $< -o $@

# The 64-bit images (check64, crashdump64): linked from the objects $(1)
# with the script $(2).  No relocation may be left (readelf -r), and no
# segment but PT_LOAD (and the harmless GNU_STACK) may appear.
define IMAGES_LINK64
@mkdir -p $(dir $@)
@$(if $(Q),echo "  LD      $@")
$(Q)$(LD) $(IMAGES_LDFLAGS) $(IMAGES_64_LDFLAGS) \
	-T $(2) -o $@.tmp $(1)
$(Q)if ! $(READELF) -rW $@.tmp | grep -q 'There are no relocations'; then \
	echo "$@: relocations left: absolute addresses crept into" \
	     "$(notdir $(basename $@)) (see tests/images/common.h)" >&2; \
	$(READELF) -rW $@.tmp >&2; rm -f $@.tmp; exit 1; fi
$(Q)if $(READELF) -lW $@.tmp | grep -Eq '^ +(INTERP|DYNAMIC|TLS|GNU_RELRO) '; then \
	echo "$@: unexpected program headers" >&2; \
	$(READELF) -lW $@.tmp >&2; rm -f $@.tmp; exit 1; fi
$(Q)mv $@.tmp $@
endef

$(IMAGES_DIR)/check64.elf: $(IMAGES_64_OBJS) $(IMAGES_SRC)/check64.lds
	$(call IMAGES_LINK64,$(IMAGES_64_OBJS),$(IMAGES_SRC)/check64.lds)

$(IMAGES_DIR)/check32.elf: $(IMAGES_32_OBJS) $(IMAGES_SRC)/check32.lds
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(IMAGES_LDFLAGS) $(IMAGES_32_LDFLAGS) \
		-T $(IMAGES_SRC)/check32.lds -o $@ $(IMAGES_32_OBJS)

images: $(IMAGES_ELFS)

# ---- smoke test under QEMU, without the hypervisor --------------------------
#
# handoff.elf: a 32-bit Multiboot kernel for QEMU -kernel that loads an image
# given as a Multiboot module, builds the handoff state of
# include/public/kexec.h (page tables, GDT in a "control page", registers)
# and jumps; on request it breaks one promise, to show that the images see it.

IMAGES_SMOKE_ELF := $(IMAGES_DIR)/smoke/handoff.elf
IMAGES_SMOKE_OBJS := $(addprefix $(IMAGES_OBJDIR)/smoke/,head.o handoff.o)
IMAGES_SMOKE_CFLAGS := $(IMAGES_CFLAGS) -m32 -fno-pic -I$(IMAGES_SRC)/smoke

$(IMAGES_OBJDIR)/smoke/handoff.o: $(IMAGES_SRC)/smoke/handoff.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(IMAGES_SMOKE_CFLAGS) -MMD -MP -c $< -o $@

$(IMAGES_OBJDIR)/smoke/head.o: $(IMAGES_SRC)/smoke/head.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(IMAGES_ASFLAGS) -m32 -I$(IMAGES_SRC)/smoke -MMD -MP -c $< -o $@

$(IMAGES_SMOKE_ELF): $(IMAGES_SMOKE_OBJS) $(IMAGES_SRC)/smoke/handoff.lds
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) $(IMAGES_LDFLAGS) -m elf_i386 --no-warn-rwx-segments \
		-T $(IMAGES_SRC)/smoke/handoff.lds \
		-o $@ $(IMAGES_SMOKE_OBJS)

images-smoke: $(IMAGES_ELFS) $(IMAGES_SMOKE_ELF)
	$(PYTHON) $(IMAGES_SRC)/smoke.py --build $(BUILD)

-include $(IMAGES_64_OBJS:.o=.d) $(IMAGES_32_OBJS:.o=.d) $(IMAGES_SMOKE_OBJS:.o=.d)

.PHONY: images images-smoke
.DELETE_ON_ERROR:

ifeq ($(IMAGES_STANDALONE),y)
.DEFAULT_GOAL := images
else
.DEFAULT_GOAL := $(IMAGES_PREV_GOAL)
endif

# ---- crashdump64: the crash test image (vmcore) ------------------------------
#
# $(BUILD)/images/crashdump64.elf: ELF64 ET_DYN at 0, PIC, no relocations,
# built like check64 (same flags and checks).  Loaded by the dom0 test
# kexec-vmcore as the CRASH image with an ELF core header
# (tools/kexec-loader/elfcore.h); walks it, checks every CPU's note and
# streams a vmcore out of COM2 (see crashdump64.c).

IMAGES_CD64_ELF := $(IMAGES_DIR)/crashdump64.elf
IMAGES_CD64_CFLAGS := -m64 -fpie -fno-plt -fno-jump-tables \
	-DIMAGE_NAME='"crashdump64"'
IMAGES_CD64_COBJS := $(addprefix $(IMAGES_OBJDIR)/crashdump64/,crashdump64.o common.o)
# The vmcore writer, its ELF header and its CRC-32 are the freestanding
# kexec-loader's, built with the image's flags (they include
# <public/kexec.h>).
IMAGES_CD64_KXL_OBJS := $(addprefix $(IMAGES_OBJDIR)/crashdump64/kexec-loader/,\
	vmcore-stream.o elfcore.o crc32.o)
IMAGES_CD64_OBJS := $(IMAGES_OBJDIR)/crashdump64/crashdump64-head.o \
	$(IMAGES_CD64_COBJS) $(IMAGES_CD64_KXL_OBJS)

$(IMAGES_CD64_COBJS): $(IMAGES_OBJDIR)/crashdump64/%.o: $(IMAGES_SRC)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (crashdump64)")
	$(Q)$(CC) $(IMAGES_CFLAGS) $(IMAGES_CD64_CFLAGS) -MMD -MP -c $< -o $@

$(IMAGES_CD64_KXL_OBJS): $(IMAGES_OBJDIR)/crashdump64/kexec-loader/%.o: \
		tools/kexec-loader/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (crashdump64)")
	$(Q)$(CC) $(IMAGES_CFLAGS) $(IMAGES_CD64_CFLAGS) -Iinclude \
		-MMD -MP -c $< -o $@

$(IMAGES_OBJDIR)/crashdump64/crashdump64-head.o: $(IMAGES_SRC)/crashdump64-head.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(IMAGES_ASFLAGS) -m64 -MMD -MP -c $< -o $@

$(IMAGES_CD64_ELF): $(IMAGES_CD64_OBJS) $(IMAGES_SRC)/crashdump64.lds
	$(call IMAGES_LINK64,$(IMAGES_CD64_OBJS),$(IMAGES_SRC)/crashdump64.lds)

IMAGES_ELFS += $(IMAGES_CD64_ELF)
images: $(IMAGES_CD64_ELF)

-include $(IMAGES_CD64_OBJS:.o=.d)
