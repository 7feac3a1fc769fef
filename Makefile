# SPDX-License-Identifier: GPL-2.0-only
#
# Top-level build.  GCC, GNU binutils and GNU make only.
#
#   make            hv.elf (Multiboot) and hv.efi (UEFI) in build/
#   make run        boot under QEMU (SeaBIOS + Multiboot) and show the log
#   make run-efi    the same under OVMF
#   make test       unit tests, then the QEMU integration matrix
#   make debug      boot halted, waiting for gdb (see docs/debugging.md)
#   make linux      the Linux crash kernel's parts (tools/linux.mk)
#   make fuzz-host  the host fuzzers, FUZZ_TIME s each (tests/fuzz/fuzz.mk)
#   make fuzz-coverage  the source coverage they reach (tests/fuzz/fuzz.mk)
#   make format     apply .clang-format (make test checks it)
#
# `make run` and `make test` install what they lack (tools/install-deps).

BUILD   ?= build
CC      := gcc
LD      := ld
NM      := nm
OBJCOPY := objcopy
PYTHON  := /usr/bin/python3

# -fpie + hidden visibility: RIP-relative code, absolute pointers only in
# data (relocated by ld for hv.elf, by PE base relocations for hv.efi).
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fpie -fno-plt -fno-stack-protector -fno-jump-tables \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fcf-protection=none -mno-red-zone -mgeneral-regs-only \
	-Iinclude -Iarch/x86/include -include include/hv/compiler.h
HV_ASFLAGS := -D__ASSEMBLER__ -Iinclude -Iarch/x86/include -fpie -g
HV_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments

HV_SRCS := \
	arch/x86/boot/head.S \
	arch/x86/boot/multiboot.c \
	arch/x86/boot/efi-boot.c \
	arch/x86/boot/efi-stub.S \
	arch/x86/setup.c \
	arch/x86/arch.c \
	arch/x86/uart.c \
	arch/x86/entry.S \
	arch/x86/traps.c \
	arch/x86/extable.c \
	arch/x86/copy-guest.S \
	arch/x86/guest-access.c \
	arch/x86/smp/percpu.c \
	arch/x86/selftest.c \
	arch/x86/inject.c \
	arch/x86/quiesce.c \
	arch/x86/mm/paging.c \
	arch/x86/mm/setup.c \
	arch/x86/smp/acpi.c \
	arch/x86/smp/apic.c \
	arch/x86/smp/smpboot.c \
	arch/x86/smp/ap-trampoline.S \
	arch/x86/smp/time.c \
	arch/x86/pv/dom0-build.c \
	arch/x86/pv/hypercall.c \
	arch/x86/pv/mm.c \
	common/console.c \
	common/vsnprintf.c \
	common/param.c \
	common/memmap.c \
	common/crashkernel.c \
	common/crash-region.c \
	common/page-alloc.c \
	common/panic.c \
	common/domain.c \
	common/ratelimit.c \
	common/errno-name.c \
	common/memory-op.c \
	common/abi-check.c \
	common/kexec.c \
	common/kimage.c \
	common/crash-notes.c \
	common/vmcoreinfo.c \
	arch/x86/crash.c \
	arch/x86/kexec/machine-kexec.c \
	arch/x86/kexec/kexec-tramp.S \
	common/symbols.c \
	common/lib/string.c \
	common/lib/strlcpy.c

HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HV_SRCS)))

.DEFAULT_GOAL := all

# V=1 shows the full commands.
Q := $(if $(V),,@)

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
# purgatory before the guest, which has it built in.
include tools/purgatory/purgatory.mk
include tests/guest.mk
-include tests/images/images.mk
include tools/linux.mk

all: $(BUILD)/hv.elf $(BUILD)/hv-crash.elf $(BUILD)/hv.efi guest \
	$(IMAGES_ELFS) $(PURGATORY_ELF)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(HV_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(HV_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/hv.lds: arch/x86/hv.lds.S arch/x86/include/asm/config.h \
		arch/x86/include/asm/kexec.h include/public/hv-area.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLER__ -Iinclude -Iarch/x86/include $< -o $@

$(BUILD)/hv-efi.lds: arch/x86/hv.lds.S arch/x86/include/asm/config.h \
		arch/x86/include/asm/kexec.h include/public/hv-area.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLER__ -DEFI -Iinclude -Iarch/x86/include $< -o $@

# The symbol table is linked into the image (for symbolised dumps): link
# once with an empty table, generate it from that link, link again.  The
# table sits after .text, so text addresses do not move between the two.
$(BUILD)/syms-empty.o: tools/symbols/gen-symbols.sh
	@mkdir -p $(dir $@)
	sh tools/symbols/gen-symbols.sh /dev/null > $(BUILD)/syms-empty.S
	$(CC) $(HV_ASFLAGS) -c $(BUILD)/syms-empty.S -o $@

$(BUILD)/hv-pass1.elf: $(HV_OBJS) $(BUILD)/syms-empty.o $(BUILD)/hv.lds
	$(LD) $(HV_LDFLAGS) -T $(BUILD)/hv.lds -o $@ $(HV_OBJS) $(BUILD)/syms-empty.o

# The build id is the SHA-1 of the hypervisor's objects, in link order:
# hv.elf and hv.efi are linked from the same objects and carry the same id
# (their .rodata differs: PE has no string merging), so a vmcore's
# VMCOREINFO BUILD-ID names the build, and its LOADER line the image.
$(BUILD)/syms.o: $(BUILD)/hv-pass1.elf tools/symbols/gen-symbols.sh
	$(NM) -n -S --defined-only $< > $(BUILD)/hv-pass1.nm
	cat $(HV_OBJS) | sha1sum | cut -d' ' -f1 > $(BUILD)/build-id
	sh tools/symbols/gen-symbols.sh $(BUILD)/hv-pass1.nm \
		$$(cat $(BUILD)/build-id) > $(BUILD)/syms.S
	$(CC) $(HV_ASFLAGS) -c $(BUILD)/syms.S -o $@

$(BUILD)/hv.elf: $(HV_OBJS) $(BUILD)/syms.o $(BUILD)/hv.lds tools/check_image.py
	$(LD) $(HV_LDFLAGS) -T $(BUILD)/hv.lds -o $@ $(HV_OBJS) $(BUILD)/syms.o
	$(PYTHON) tools/check_image.py elf $@ $(BUILD)/hv-pass1.elf

# hv-crash.elf: the same objects, but head.S and the linker script for
# HV_CRASH_LOAD_PHYS: a crash hypervisor for a crash region at 256 MiB
# (crashkernel=64M@256M or larger there), 2 MiB into it as hv.elf is
# into RAM.  Same virtual addresses and symbols, same build id (the C
# objects are hv.elf's): gdb reads its dumps with hv.elf.
HV_CRASH_LOAD_PHYS := 0x10200000
# head-crash.o where head.o is: the same layout, so the same addresses.
HV_CRASH_OBJS := $(patsubst $(BUILD)/arch/x86/boot/head.o,\
	$(BUILD)/arch/x86/boot/head-crash.o,$(HV_OBJS))

$(BUILD)/arch/x86/boot/head-crash.o: arch/x86/boot/head.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(HV_ASFLAGS) -DHV_LOAD_PHYS=$(HV_CRASH_LOAD_PHYS) -MMD -MP \
		-c $< -o $@

$(BUILD)/hv-crash.lds: arch/x86/hv.lds.S arch/x86/include/asm/config.h \
		arch/x86/include/asm/kexec.h include/public/hv-area.h
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -D__ASSEMBLER__ -DHV_LOAD_PHYS=$(HV_CRASH_LOAD_PHYS) \
		-Iinclude -Iarch/x86/include $< -o $@

$(BUILD)/hv-crash.elf: $(HV_CRASH_OBJS) $(BUILD)/syms.o $(BUILD)/hv-crash.lds \
		tools/check_image.py
	$(LD) $(HV_LDFLAGS) -T $(BUILD)/hv-crash.lds -o $@ $(HV_CRASH_OBJS) \
		$(BUILD)/syms.o
	$(PYTHON) tools/check_image.py elf $@ $(BUILD)/hv-pass1.elf

# PE32+ for UEFI from the same objects; subsystem 10 = EFI application.
$(BUILD)/hv.efi: $(HV_OBJS) $(BUILD)/syms.o $(BUILD)/hv-efi.lds $(BUILD)/hv.elf
	$(LD) -m i386pep --subsystem 10 --image-base 0xffff82d040000000 \
		-nostdlib --no-insert-timestamp -T $(BUILD)/hv-efi.lds \
		-o $@ $(HV_OBJS) $(BUILD)/syms.o
	$(PYTHON) tools/check_image.py efi $@ $(BUILD)/hv.elf

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)


# ---- running -------------------------------------------------------------

QEMU_RUN := $(PYTHON) tools/qemu_run.py
RUN_ARGS ?=

deps:
	sh tools/install-deps

# The demonstration: the hypervisor boots with a crash region, dom0 loads
# check64 as the crash image, a panic is injected, and check64 reports
# from the inside that every promise of the handoff held.
# debug-inject: the injection below is a test hook, off in a production boot.
DEMO_HV_CMDLINE := crashkernel=64M@256M debug-inject
DEMO_MODULES := --module "$(GUEST_ELF) test=kexec-crash via=inject:panic" \
	--module "$(BUILD)/images/check64.elf"

# The entry points install what is missing first and only then run make
# again for the work itself: the Makefiles read the toolchain and Check
# ($(shell gcc ...), pkg-config) when they are parsed, which on a fresh
# machine is before anything is installed.
ENTRY_POINTS := run run-efi debug test bench fuzz fuzz-host fuzz-coverage \
	run-linux run-linux-kexec \
	$(LINUX_ENTRY_POINTS)
$(ENTRY_POINTS): deps
	$(Q)$(MAKE) --no-print-directory $@-installed

run-installed: all
	$(QEMU_RUN) --firmware bios --smp 4 --cmdline "$(DEMO_HV_CMDLINE)" \
		$(DEMO_MODULES) --expect-status 65 $(RUN_ARGS)

run-efi-installed: all
	$(QEMU_RUN) --firmware uefi --smp 4 --cmdline "$(DEMO_HV_CMDLINE)" \
		$(DEMO_MODULES) --expect-status 65 $(RUN_ARGS)

# A real Linux as the crash kernel (docs/linux-crash-kernel.md):
#   make run-linux [KERNEL=bzImage] [INITRD=initramfs] [APPEND="words"]
#                  [SMP=n] [FIRMWARE=bios|uefi] [QEMU_EXTRA="args"]
# run-linux-kexec: the same kernel as the DEFAULT image, exec'd.
RUN_LINUX_ARGS = $(if $(KERNEL),--kernel "$(KERNEL)") \
	$(if $(INITRD),--initrd "$(INITRD)") --append "$(APPEND)" \
	$(if $(SMP),--smp $(SMP)) $(if $(FIRMWARE),--firmware $(FIRMWARE)) \
	--qemu-extra "$(QEMU_EXTRA)"

run-linux-installed: all $(LINUX_ARTIFACTS)
	$(PYTHON) tools/run_linux.py $(RUN_LINUX_ARGS)

run-linux-kexec-installed: all $(LINUX_ARTIFACTS)
	$(PYTHON) tools/run_linux.py --mode kexec $(RUN_LINUX_ARGS)

debug-installed: all
	$(QEMU_RUN) --firmware bios --smp 2 --gdb $(RUN_ARGS)

# ---- benchmarks ------------------------------------------------------------
# make bench [BENCH_ARGS="--runs N --only crash,linux,boot,guest,host"]:
# every figure of docs/benchmarks.md into build/bench/ (results.json,
# results.md, *.png).  Not part of `make test`, which runs it once with
# --quick only to see that each scenario works.
BENCH_ARGS ?=
bench-installed: all $(LINUX_ARTIFACTS) $(BENCH_HOST_BINS)
	$(PYTHON) tools/bench.py $(BENCH_ARGS)

# ---- the dom0 fuzzer --------------------------------------------------------
# make fuzz [SEEDS="1 2 3"] [N=10000] [FUZZ_MATRIX="bios:1 uefi:4"]: the
# fuzzer of tests/guest/tests/fuzz.c for every seed under each firmware
# and CPU count (tests/integration/test_fuzz.py; docs/testing.md).
SEEDS ?= 1 2 3
N ?= 10000
fuzz-installed: all
	FUZZ_SEEDS="$(SEEDS)" FUZZ_N="$(N)" \
	$(if $(FUZZ_MATRIX),FUZZ_MATRIX="$(FUZZ_MATRIX)") \
	$(PYTHON) -m pytest -q -n 2 tests/integration/test_fuzz.py

# ---- tests ---------------------------------------------------------------

# Every public header compiles on its own: the guest ABI (include/public/)
# as C99 and as C++11, the loaders' and purgatory's contracts as C99.
PUBLIC_HEADERS := $(wildcard include/public/*.h)
CONTRACT_HEADERS := tools/purgatory/purgatory-args.h \
	$(filter-out tools/kexec-loader/kxl-bytes.h,$(wildcard tools/kexec-loader/*.h))

check-headers:
	@for h in $(PUBLIC_HEADERS) $(CONTRACT_HEADERS); do \
		$(CC) -std=c99 -Wall -Wextra -Werror -fsyntax-only -Iinclude \
			-x c $$h || exit 1; \
	done
	@for h in $(PUBLIC_HEADERS); do \
		$(CXX) -std=c++11 -Wall -Wextra -Werror -fsyntax-only -Iinclude \
			-x c++ $$h || exit 1; \
	done
	@echo "check-headers: $(words $(PUBLIC_HEADERS) $(CONTRACT_HEADERS)) headers stand alone"

# Static analysis of the hypervisor, the loaders and purgatory (Debian's
# cppcheck): every finding is an error; a deliberate one (an injected
# fault) carries an inline suppression that says why.
STATIC_DIRS := common arch/x86 tools/kexec-loader tools/purgatory

check-static:
	cppcheck --quiet --enable=warning,portability --inline-suppr \
		--error-exitcode=1 -Iinclude -Iarch/x86/include -D__x86_64__ \
		--std=c11 $(STATIC_DIRS)
	@echo "check-static: cppcheck found nothing in $(STATIC_DIRS)"

# The C style (.clang-format, Debian's clang-format 14) over every tracked
# .c/.h of the directories in tools/check-format; `make format` applies it.
check-format:
	tools/check-format

format:
	tools/check-format --fix

test-installed: check-headers check-static check-format all unit-test-bin \
	bench-host-bin fuzz-host-bin $(LINUX_ARTIFACTS)
	$(PYTHON) tools/run_tests.py --unit $(UNIT_TEST_BINS) --build $(BUILD)

clean:
	rm -rf $(BUILD)

.PHONY: all deps clean check-headers check-static check-format format $(ENTRY_POINTS) $(addsuffix -installed,$(ENTRY_POINTS))
.DELETE_ON_ERROR:
