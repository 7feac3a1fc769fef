# SPDX-License-Identifier: GPL-2.0-only
#
# Host unit tests (included by the top-level Makefile; paths are relative
# to the repository root).  One libcheck binary per module, built from the
# hypervisor's own sources under ASan/UBSan into $(BUILD)/unit/.
#
#   make unit-test-bin     build them all; their list is $(UNIT_TEST_BINS)
#
# Nothing here depends on the hypervisor image, so it builds while other
# parts of the tree do not.

UNIT_DIR   := $(BUILD)/unit
UNIT_CC    ?= gcc
UNIT_CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
UNIT_CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

UNIT_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fno-omit-frame-pointer $(UNIT_SAN) -Iinclude -Iarch/x86/include
# Hypervisor sources keep the hypervisor's own warnings.
UNIT_HV_CFLAGS := $(UNIT_CFLAGS) -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter

# The formatter would otherwise replace the C library's, which the tests
# compare it against.
UNIT_RENAME_vsnprintf := -Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf

# module -> the hypervisor sources its test binary is built from
UNIT_SRCS_vsnprintf   := common/vsnprintf.c
UNIT_SRCS_param       := common/param.c common/vsnprintf.c
UNIT_SRCS_crashkernel := common/crashkernel.c common/vsnprintf.c
UNIT_SRCS_page-alloc  := common/page-alloc.c
UNIT_SRCS_memmap      := common/memmap.c
UNIT_SRCS_paging      := arch/x86/mm/paging.c common/vsnprintf.c
UNIT_SRCS_ratelimit   := common/ratelimit.c

UNIT_MODULES := vsnprintf param crashkernel page-alloc memmap ratelimit
# arch/x86/mm/paging.c may not be written yet; test it once it is.
ifneq ($(wildcard arch/x86/mm/paging.c),)
UNIT_MODULES += paging
endif

UNIT_TEST_BINS := $(patsubst %,$(UNIT_DIR)/test-%,$(UNIT_MODULES))

# common/lib/strlcpy.c goes into every binary (UNIT_HARNESS): glibc
# before 2.38 has no strlcpy.  Not string.c: its memcpy and the rest
# would replace the C library's.
UNIT_HV_SRCS := $(sort $(foreach m,$(UNIT_MODULES),$(UNIT_SRCS_$(m))) \
	common/lib/strlcpy.c)
UNIT_HV_OBJS := $(patsubst %.c,$(UNIT_DIR)/hv/%.o,$(UNIT_HV_SRCS))
# Every test binary links the harness, the host shims (host-shims.c:
# panic, format_symbol; shared with tests/fuzz/fuzz.mk) and strlcpy.
UNIT_HARNESS := $(UNIT_DIR)/harness.o $(UNIT_DIR)/host-shims.o \
	$(UNIT_DIR)/hv/common/lib/strlcpy.o
UNIT_T_OBJS  := $(patsubst %,$(UNIT_DIR)/test-%.o,$(UNIT_MODULES)) \
	$(UNIT_DIR)/harness.o $(UNIT_DIR)/host-shims.o \
	$(UNIT_DIR)/fake-loader-env.o

# Quiet unless V=1, as the top-level Makefile ($(Q) is its "@" or empty).
$(UNIT_HV_OBJS): $(UNIT_DIR)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_HV_CFLAGS) $(UNIT_RENAME_$(basename $(notdir $<))) \
		-MMD -MP -c $< -o $@

$(UNIT_T_OBJS): $(UNIT_DIR)/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) -MMD -MP -c $< -o $@

# test-<m> links its test, the harness and the objects of its sources.
$(foreach m,$(UNIT_MODULES),$(eval $(UNIT_DIR)/test-$(m): \
	$(UNIT_DIR)/test-$(m).o $(UNIT_HARNESS) \
	$(patsubst %.c,$(UNIT_DIR)/hv/%.o,$(UNIT_SRCS_$(m)))))

$(UNIT_TEST_BINS):
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_CHECK_LIBS)

unit-test-bin: $(UNIT_TEST_BINS)

-include $(UNIT_HV_OBJS:.o=.d) $(UNIT_T_OBJS:.o=.d)

.PHONY: unit-test-bin

# ---- kexec: tools/kexec-loader and common/kimage.c ---------------------------
# (Appended by the kexec engineer; self-contained: its own rules, because
# the rules above are expanded from UNIT_MODULES when they are read.)
# test-kexec-loader also links common/kimage.c, to hold every list the
# loader makes against the hypervisor's validator.
UNIT_SRCS_kexec-loader := tools/kexec-loader/kexec-loader.c \
	tools/kexec-loader/crc32.c common/kimage.c
UNIT_SRCS_kimage       := common/kimage.c
UNIT_SRCS_linux-load   := tools/kexec-loader/linux-load.c \
	tools/kexec-loader/kexec-loader.c tools/kexec-loader/crc32.c \
	common/kimage.c
UNIT_SRCS_multiboot-load := tools/kexec-loader/multiboot-load.c \
	tools/kexec-loader/kexec-loader.c tools/kexec-loader/crc32.c \
	common/kimage.c
UNIT_SRCS_vmcore-stream := tools/kexec-loader/vmcore-stream.c \
	tools/kexec-loader/elfcore.c tools/kexec-loader/crc32.c
# test-elfcore also runs the host's readelf on the headers it builds.
UNIT_SRCS_elfcore  := tools/kexec-loader/elfcore.c
UNIT_KEXEC_MODULES := kexec-loader kimage linux-load multiboot-load \
	vmcore-stream elfcore
UNIT_KEXEC_BINS    := $(patsubst %,$(UNIT_DIR)/test-%,$(UNIT_KEXEC_MODULES))
UNIT_KEXEC_SRCS    := $(filter-out $(UNIT_HV_SRCS),$(sort \
	$(foreach m,$(UNIT_KEXEC_MODULES),$(UNIT_SRCS_$(m)))))
UNIT_KEXEC_HV_OBJS := $(patsubst %.c,$(UNIT_DIR)/hv/%.o,$(UNIT_KEXEC_SRCS))
UNIT_KEXEC_T_OBJS  := $(patsubst %,$(UNIT_DIR)/test-%.o,$(UNIT_KEXEC_MODULES))

$(UNIT_KEXEC_HV_OBJS): $(UNIT_DIR)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_HV_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_KEXEC_T_OBJS): $(UNIT_DIR)/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(foreach m,$(UNIT_KEXEC_MODULES),$(eval $(UNIT_DIR)/test-$(m): \
	$(UNIT_DIR)/test-$(m).o $(UNIT_HARNESS) \
	$(patsubst %.c,$(UNIT_DIR)/hv/%.o,$(UNIT_SRCS_$(m)))))

# The loaders' fake machine (fake-loader-env.h).
$(UNIT_DIR)/test-linux-load $(UNIT_DIR)/test-multiboot-load: \
	$(UNIT_DIR)/fake-loader-env.o

$(UNIT_KEXEC_BINS):
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_CHECK_LIBS)

# test-multiboot-load loads the real $(BUILD)/hv.elf (make all builds it;
# $HV_BUILD/hv.elf instead when set at run time).
$(UNIT_DIR)/test-multiboot-load.o: UNIT_CFLAGS += \
	-DHV_ELF_PATH='"$(abspath $(BUILD))/hv.elf"'

UNIT_TEST_BINS += $(UNIT_KEXEC_BINS)
unit-test-bin: $(UNIT_KEXEC_BINS)

-include $(UNIT_KEXEC_HV_OBJS:.o=.d) $(UNIT_KEXEC_T_OBJS:.o=.d)

# ---- kexec: relocate_pages() of arch/x86/kexec/kexec-tramp.S ----------------
# (Self-contained like the blocks above.)  The trampoline is assembled for
# the host as it is; tests/unit/relocate-call.S calls it with known values
# in the callee-saved registers.
UNIT_RELOCATE_BIN  := $(UNIT_DIR)/test-relocate
UNIT_RELOCATE_OBJS := $(UNIT_DIR)/hv/arch/x86/kexec/kexec-tramp.o \
	$(UNIT_DIR)/relocate-call.o

$(UNIT_DIR)/hv/arch/x86/kexec/kexec-tramp.o: arch/x86/kexec/kexec-tramp.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTAS  $<")
	$(Q)$(UNIT_CC) -Iinclude -Iarch/x86/include -MMD -MP -c $< -o $@

$(UNIT_DIR)/relocate-call.o: tests/unit/relocate-call.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTAS  $<")
	$(Q)$(UNIT_CC) -MMD -MP -c $< -o $@

$(UNIT_DIR)/test-relocate.o: tests/unit/test-relocate.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_RELOCATE_BIN): $(UNIT_DIR)/test-relocate.o $(UNIT_HARNESS) \
		$(UNIT_RELOCATE_OBJS)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_CHECK_LIBS)

UNIT_TEST_BINS += $(UNIT_RELOCATE_BIN)
unit-test-bin: $(UNIT_RELOCATE_BIN)

-include $(UNIT_RELOCATE_OBJS:.o=.d) $(UNIT_DIR)/test-relocate.d

# ---- purgatory: SHA-256 (tools/kexec-loader/sha256.c, portable, and
# tools/purgatory/sha256-shani.c, SHA extensions) -----------------------------
# (Self-contained like the blocks above.)  sha256-shani.c needs -msha
# -msse4.1; test-sha256 also runs the host's sha256sum.
UNIT_SHA256_BIN    := $(UNIT_DIR)/test-sha256
UNIT_SHA256_HV_OBJS := $(UNIT_DIR)/hv/tools/kexec-loader/sha256.o \
	$(UNIT_DIR)/hv/tools/purgatory/sha256-shani.o

$(UNIT_DIR)/hv/tools/kexec-loader/sha256.o: tools/kexec-loader/sha256.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_HV_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_DIR)/hv/tools/purgatory/sha256-shani.o: tools/purgatory/sha256-shani.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_HV_CFLAGS) -msha -msse4.1 -MMD -MP -c $< -o $@

$(UNIT_DIR)/test-sha256.o: tests/unit/test-sha256.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_SHA256_BIN): $(UNIT_DIR)/test-sha256.o $(UNIT_HARNESS) \
		$(UNIT_SHA256_HV_OBJS)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $^ $(UNIT_CHECK_LIBS)

UNIT_TEST_BINS += $(UNIT_SHA256_BIN)
unit-test-bin: $(UNIT_SHA256_BIN)

-include $(UNIT_SHA256_HV_OBJS:.o=.d) $(UNIT_DIR)/test-sha256.d

# ---- purgatory: placing it (tools/kexec-loader/purgatory-load.c) ------------
# (Self-contained.)  test-purgatory-load loads the real
# $(BUILD)/purgatory/purgatory.elf (tools/purgatory/purgatory.mk).
UNIT_PURGLOAD_BIN := $(UNIT_DIR)/test-purgatory-load
UNIT_PURGLOAD_HV_OBJS := $(UNIT_DIR)/hv/tools/kexec-loader/purgatory-load.o \
	$(UNIT_DIR)/hv/tools/kexec-loader/kexec-loader.o \
	$(UNIT_DIR)/hv/tools/kexec-loader/crc32.o \
	$(UNIT_DIR)/hv/tools/kexec-loader/sha256.o

$(UNIT_DIR)/hv/tools/kexec-loader/purgatory-load.o: tools/kexec-loader/purgatory-load.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_HV_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_DIR)/test-purgatory-load.o: tests/unit/test-purgatory-load.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $<")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) \
		-DPURGATORY_ELF_PATH='"$(abspath $(BUILD))/purgatory/purgatory.elf"' \
		-MMD -MP -c $< -o $@

$(UNIT_PURGLOAD_BIN): $(UNIT_DIR)/test-purgatory-load.o $(UNIT_HARNESS) \
		$(UNIT_PURGLOAD_HV_OBJS) $(BUILD)/purgatory/purgatory.elf
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) -o $@ $(filter %.o,$^) $(UNIT_CHECK_LIBS)

UNIT_TEST_BINS += $(UNIT_PURGLOAD_BIN)
unit-test-bin: $(UNIT_PURGLOAD_BIN)

-include $(UNIT_DIR)/hv/tools/kexec-loader/purgatory-load.d $(UNIT_DIR)/test-purgatory-load.d

# ---- benchmarks: host builds at -O2, no sanitizers (make bench-host-bin) ----
# (Self-contained.)  Not unit tests: make test runs only a smoke run of
# them (tests/integration/test_bench_host.py); tools/bench.py runs them in
# full.  The hypervisor's sources are built again here, with -O2 like the
# hypervisor's own build, into $(UNIT_DIR)/bench/.
BENCH_DIR    := $(UNIT_DIR)/bench
BENCH_CFLAGS := -std=gnu11 -g -O2 -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-Iinclude -Iarch/x86/include
BENCH_VALIDATE_BIN  := $(UNIT_DIR)/bench-validate
BENCH_VALIDATE_OBJS := $(BENCH_DIR)/bench-validate.o $(BENCH_DIR)/hv/common/kimage.o

$(BENCH_DIR)/hv/common/kimage.o: common/kimage.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (bench)")
	$(Q)$(UNIT_CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_DIR)/bench-validate.o: tests/unit/bench-validate.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (bench)")
	$(Q)$(UNIT_CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_VALIDATE_BIN): $(BENCH_VALIDATE_OBJS)
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(BENCH_CFLAGS) -o $@ $^

BENCH_HOST_BINS := $(BENCH_VALIDATE_BIN)
bench-host-bin: $(BENCH_HOST_BINS)

-include $(BENCH_VALIDATE_OBJS:.o=.d)

.PHONY: bench-host-bin

# ---- common/ whole, against the fake arch (tests/unit/fake-arch.h) ----------
# Every file of common/ and, of its string functions, strlcpy only (the
# host's C library has the rest, and has no strlcpy before glibc 2.38),
# built with the fake arch's <asm/arch-inline.h> and no x86
# header on the include path: a common/ file that reaches past
# include/hv/arch.h does not build here.  The formatter keeps the
# hypervisor's own behaviour under its host name (hv_vsnprintf).
UNIT_FAKE_DIR    := $(UNIT_DIR)/fake
UNIT_FAKE_BASE   := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fno-omit-frame-pointer $(UNIT_SAN) -Iinclude -Itests/unit/fake-arch \
	-DPARAM_SECTION='"hv_params"'
UNIT_FAKE_CFLAGS := $(UNIT_FAKE_BASE) -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter \
	-Dvsnprintf=hv_vsnprintf -Dsnprintf=hv_snprintf
UNIT_FAKE_SRCS   := $(sort $(wildcard common/*.c)) common/lib/strlcpy.c
UNIT_FAKE_HV_OBJS := $(patsubst %.c,$(UNIT_FAKE_DIR)/%.o,$(UNIT_FAKE_SRCS))
UNIT_FAKE_MODULES := kexec-op panic
UNIT_FAKE_BINS   := $(patsubst %,$(UNIT_DIR)/test-%,$(UNIT_FAKE_MODULES))
UNIT_FAKE_HARNESS := $(UNIT_FAKE_DIR)/harness.o $(UNIT_FAKE_DIR)/host-shims.o
UNIT_FAKE_T_OBJS := $(patsubst %,$(UNIT_FAKE_DIR)/test-%.o,$(UNIT_FAKE_MODULES)) \
	$(UNIT_FAKE_DIR)/fake-arch.o $(UNIT_FAKE_HARNESS)

$(UNIT_FAKE_HV_OBJS): $(UNIT_FAKE_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (fake arch)")
	$(Q)$(UNIT_CC) $(UNIT_FAKE_CFLAGS) -MMD -MP -c $< -o $@

$(UNIT_FAKE_T_OBJS): $(UNIT_FAKE_DIR)/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $< (fake arch)")
	$(Q)$(UNIT_CC) $(UNIT_FAKE_BASE) $(UNIT_CHECK_CFLAGS) -MMD -MP -c $< -o $@

$(foreach m,$(UNIT_FAKE_MODULES),$(eval $(UNIT_DIR)/test-$(m): \
	$(UNIT_FAKE_DIR)/test-$(m).o $(UNIT_FAKE_DIR)/fake-arch.o \
	$(UNIT_FAKE_HARNESS) $(UNIT_FAKE_HV_OBJS)))

$(UNIT_FAKE_BINS):
	@$(if $(Q),echo "  HOSTLD  $@")
	$(Q)$(UNIT_CC) $(UNIT_FAKE_BASE) -o $@ $^ $(UNIT_CHECK_LIBS)

UNIT_TEST_BINS += $(UNIT_FAKE_BINS)
unit-test-bin: $(UNIT_FAKE_BINS)

-include $(UNIT_FAKE_HV_OBJS:.o=.d) $(UNIT_FAKE_T_OBJS:.o=.d)

# ---- kexec: the loaders' typed addresses refuse mix-ups -------------------
# (Self-contained.)  tests/unit/kxl-addr-mix.c holds the mistakes
# tools/kexec-loader/kxl-addr.h exists to stop (a frame where an address
# is wanted, an integer for either, ...), against the loaders' interface:
# tests/unit/compile-fail.sh builds it once per case with the unit tests'
# flags and fails if a case compiles (or case 0, the right code, does not).
# A stamp: make unit-test-bin runs it again when a header changes.
UNIT_KXL_MIX := $(UNIT_DIR)/kxl-addr-mix.ok

$(UNIT_KXL_MIX): tests/unit/kxl-addr-mix.c tests/unit/compile-fail.sh \
		$(wildcard tools/kexec-loader/*.h tools/purgatory/*.h) \
		$(wildcard include/public/*.h)
	@mkdir -p $(dir $@)
	$(Q)sh tests/unit/compile-fail.sh $< $(UNIT_CC) $(UNIT_CFLAGS)
	@touch $@

unit-test-bin: $(UNIT_KXL_MIX)

# ---- the hypervisor's typed addresses refuse mix-ups ----------------------
# The same check for include/hv/addr.h (tests/unit/hv-addr-mix.c): a gfn
# for an mfn, an address for a frame, a bare integer, ..., against the
# allocator, the P2M, the direct map and the validator; built with the
# fake arch's flags, as common/ is on the host.
UNIT_HV_MIX := $(UNIT_DIR)/hv-addr-mix.ok

$(UNIT_HV_MIX): tests/unit/hv-addr-mix.c tests/unit/compile-fail.sh \
		$(wildcard include/hv/*.h tests/unit/fake-arch/asm/*.h)
	@mkdir -p $(dir $@)
	$(Q)sh tests/unit/compile-fail.sh $< $(UNIT_CC) $(UNIT_FAKE_CFLAGS)
	@touch $@

unit-test-bin: $(UNIT_HV_MIX)
