# SPDX-License-Identifier: GPL-2.0-only
#
# The dom0 test guest (tests/guest/), included by the top-level Makefile;
# paths are relative to the repository root.
#
#   make guest       build $(GUEST_ELF) = $(BUILD)/guest/dom0.elf
#
# A tiny 64-bit PV kernel in the spirit of Xen's XTF: it runs in ring 3
# under the hypervisor, drives it through the hypercalls of
# include/public/, runs the tests named on its command line (test=NAME)
# and ends with one verdict line.  See tests/guest/README.md.
#
# Objects go to $(BUILD)/guest/obj/ through static pattern rules, so the
# top-level $(BUILD)/%.o rules (hypervisor flags) never apply to them.

GUEST_DIR    := $(BUILD)/guest
GUEST_OBJDIR := $(GUEST_DIR)/obj
GUEST_ELF    := $(GUEST_DIR)/dom0.elf
GUEST_LDS    := tests/guest/guest.lds

GUEST_CC := gcc
GUEST_LD := ld

GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-fno-pic -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wall -Wextra -Werror \
	-Iinclude -Itests/guest/include
GUEST_ASFLAGS := -D__ASSEMBLER__ -fno-pic -g -Iinclude -Itests/guest/include
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--build-id=none

# head.S first: _start opens the text segment.
GUEST_C_SRCS := $(sort $(wildcard tests/guest/lib/*.c)) \
	$(sort $(wildcard tests/guest/tests/*.c))
GUEST_S_SRCS := tests/guest/head.S tests/guest/purgatory-blob.S

GUEST_C_OBJS := $(patsubst tests/guest/%.c,$(GUEST_OBJDIR)/%.o,$(GUEST_C_SRCS))
GUEST_S_OBJS := $(patsubst tests/guest/%.S,$(GUEST_OBJDIR)/%.o,$(GUEST_S_SRCS))
GUEST_OBJS   := $(GUEST_S_OBJS) $(GUEST_C_OBJS)

# The formatter and the errno names are the hypervisor's portable code,
# built with the guest's flags.
GUEST_COMMON_SRCS := common/vsnprintf.c common/errno-name.c
GUEST_COMMON_OBJS := $(patsubst common/%.c,$(GUEST_OBJDIR)/common/%.o,$(GUEST_COMMON_SRCS))
GUEST_OBJS        += $(GUEST_COMMON_OBJS)

$(GUEST_COMMON_OBJS): $(GUEST_OBJDIR)/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

# kexec: the kexec guest tests (tests/guest/tests/kexec-*.c) link the
# freestanding ELF loader tools/kexec-loader/*.c, built with the guest's
# flags into $(GUEST_OBJDIR)/kexec-loader/.
GUEST_KXL_SRCS := $(sort $(wildcard tools/kexec-loader/*.c))
GUEST_KXL_OBJS := $(patsubst tools/kexec-loader/%.c,$(GUEST_OBJDIR)/kexec-loader/%.o,$(GUEST_KXL_SRCS))
GUEST_OBJS     += $(GUEST_KXL_OBJS)

$(GUEST_KXL_OBJS): $(GUEST_OBJDIR)/kexec-loader/%.o: tools/kexec-loader/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_C_OBJS): $(GUEST_OBJDIR)/%.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_S_OBJS): $(GUEST_OBJDIR)/%.o: tests/guest/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(GUEST_CC) $(GUEST_ASFLAGS) -MMD -MP -c $< -o $@

# purgatory.elf is part of dom0 (tests/guest/purgatory-blob.S).
$(GUEST_OBJDIR)/purgatory-blob.o: $(PURGATORY_ELF)
$(GUEST_OBJDIR)/purgatory-blob.o: GUEST_ASFLAGS += \
	-DPURGATORY_ELF_PATH='"$(PURGATORY_ELF)"'

$(GUEST_ELF): $(GUEST_OBJS) $(GUEST_LDS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(GUEST_LD) $(GUEST_LDFLAGS) -T $(GUEST_LDS) -o $@ $(GUEST_OBJS)

guest: $(GUEST_ELF)

-include $(GUEST_OBJS:.o=.d)

.PHONY: guest
