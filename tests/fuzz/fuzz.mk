# SPDX-License-Identifier: GPL-2.0-only
#
# Host fuzzing with libFuzzer (included by the top-level Makefile after
# tests/unit/unit.mk, whose flags it reuses; paths relative to the root).
# One binary per tests/fuzz/fuzz-<target>.c, in $(BUILD)/fuzz/, built with
# Debian's clang under ASan and UBSan, its seed corpus in
# tests/fuzz/corpus/<target>/ (docs/testing.md, "Host fuzzing").
#
#   make fuzz-host-bin          build them all ($(FUZZ_BINS))
#   make fuzz-host [FUZZ_TIME=300] [FUZZ_TARGETS="kimage ..."]
#                               run each for FUZZ_TIME seconds; new inputs
#                               go to $(BUILD)/fuzz/corpus/<target>/
#
#   make fuzz-coverage [FUZZ_TIME=30] [FUZZ_TARGETS=...] [FUZZ_JOBS=2]
#                               the source coverage they reach, below
#
# make test runs each for a few seconds on its seeds
# (tests/integration/test_fuzz_host.py).

FUZZ_DIR := $(BUILD)/fuzz
FUZZ_CC  ?= clang
# The code under test gets the coverage instrumentation; only the link
# brings in libFuzzer's main().
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LINK_SAN := -fsanitize=fuzzer,address,undefined

# The unit tests' flags, with clang's sanitizers for GCC's.  The fakes
# (fake-arch.c, fake-loader-env.c) get tests/fuzz/shim/check.h for
# libcheck's assertions, which abort here.
FUZZ_HV_CFLAGS   := $(filter-out $(UNIT_SAN),$(UNIT_HV_CFLAGS)) $(FUZZ_SAN)
FUZZ_T_CFLAGS    := $(filter-out $(UNIT_SAN),$(UNIT_CFLAGS)) $(FUZZ_SAN) \
	-Itests/fuzz/shim -Itests/unit
FUZZ_FAKE_CFLAGS := $(filter-out $(UNIT_SAN),$(UNIT_FAKE_CFLAGS)) $(FUZZ_SAN)
FUZZ_TF_CFLAGS   := $(filter-out $(UNIT_SAN),$(UNIT_FAKE_BASE)) $(FUZZ_SAN) \
	-Itests/fuzz/shim -Itests/unit

KXL := tools/kexec-loader
# target -> hypervisor / loader sources ($(FUZZ_DIR)/hv/), test sources
# ($(FUZZ_DIR)/t/); kexec-op links common/ whole over the fake arch.
FUZZ_SRCS_kimage         := common/kimage.c
FUZZ_SRCS_elf-load       := $(KXL)/kexec-loader.c $(KXL)/crc32.c common/kimage.c
FUZZ_SRCS_linux-load     := $(KXL)/linux-load.c $(FUZZ_SRCS_elf-load)
FUZZ_SRCS_multiboot-load := $(KXL)/multiboot-load.c $(FUZZ_SRCS_elf-load)
FUZZ_SRCS_elfcore        := $(KXL)/elfcore.c
FUZZ_SRCS_cmdline        := common/param.c common/crashkernel.c common/vsnprintf.c
FUZZ_TSRCS_elf-load       := tests/unit/fake-loader-env.c
FUZZ_TSRCS_linux-load     := tests/unit/fake-loader-env.c
FUZZ_TSRCS_multiboot-load := tests/unit/fake-loader-env.c

FUZZ_PLAIN   := kimage elf-load linux-load multiboot-load elfcore cmdline
FUZZ_TARGETS_ALL := $(FUZZ_PLAIN) kexec-op
FUZZ_BINS    := $(patsubst %,$(FUZZ_DIR)/fuzz-%,$(FUZZ_TARGETS_ALL))

# Every fuzzer links fuzz-support.c, the unit tests' host shims
# (tests/unit/host-shims.c: panic, format_symbol) and strlcpy, which
# kexec-op has from $(UNIT_FAKE_SRCS).
FUZZ_SUPPORT := tests/fuzz/fuzz-support.c tests/unit/host-shims.c
FUZZ_SUPPORT_OBJS := $(patsubst %.c,$(FUZZ_DIR)/t/%.o,$(FUZZ_SUPPORT))
FUZZ_STRLCPY_OBJ := $(FUZZ_DIR)/hv/common/lib/strlcpy.o
FUZZ_HV_OBJS := $(patsubst %.c,$(FUZZ_DIR)/hv/%.o,$(sort \
	$(foreach t,$(FUZZ_PLAIN),$(FUZZ_SRCS_$(t))) common/lib/strlcpy.c))
FUZZ_T_OBJS  := $(patsubst %.c,$(FUZZ_DIR)/t/%.o,$(sort \
	$(foreach t,$(FUZZ_PLAIN),tests/fuzz/fuzz-$(t).c $(FUZZ_TSRCS_$(t))) \
	$(FUZZ_SUPPORT)))
FUZZ_FAKE_OBJS := $(patsubst %.c,$(FUZZ_DIR)/fake/%.o,$(UNIT_FAKE_SRCS))
FUZZ_TF_OBJS := $(FUZZ_DIR)/tf/tests/fuzz/fuzz-kexec-op.o \
	$(FUZZ_DIR)/tf/tests/unit/fake-arch.o

$(FUZZ_HV_OBJS): $(FUZZ_DIR)/hv/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_HV_CFLAGS) $(UNIT_RENAME_$(basename $(notdir $<))) \
		-MMD -MP -c $< -o $@

$(FUZZ_T_OBJS): $(FUZZ_DIR)/t/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_T_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_FAKE_OBJS): $(FUZZ_DIR)/fake/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $< (fake arch)")
	$(Q)$(FUZZ_CC) $(FUZZ_FAKE_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_TF_OBJS): $(FUZZ_DIR)/tf/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $< (fake arch)")
	$(Q)$(FUZZ_CC) $(FUZZ_TF_CFLAGS) -MMD -MP -c $< -o $@

$(foreach t,$(FUZZ_PLAIN),$(eval $(FUZZ_DIR)/fuzz-$(t): \
	$(FUZZ_DIR)/t/tests/fuzz/fuzz-$(t).o $(FUZZ_SUPPORT_OBJS) $(FUZZ_STRLCPY_OBJ) \
	$(patsubst %.c,$(FUZZ_DIR)/t/%.o,$(FUZZ_TSRCS_$(t))) \
	$(patsubst %.c,$(FUZZ_DIR)/hv/%.o,$(FUZZ_SRCS_$(t)))))
# The support objects after common/: their panic() and printk() are weak.
$(FUZZ_DIR)/fuzz-kexec-op: $(FUZZ_TF_OBJS) $(FUZZ_FAKE_OBJS) \
	$(FUZZ_SUPPORT_OBJS)

$(FUZZ_BINS):
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_LINK_SAN) -o $@ $^

fuzz-host-bin: $(FUZZ_BINS)

# Each target for FUZZ_TIME seconds from its seeds and what earlier runs
# found (tools/run_fuzz.py): one line of executions per target; a crash
# stops that target and leaves its input as $(FUZZ_DIR)/crash-<sha1>.
FUZZ_TIME    ?= 300
FUZZ_TARGETS ?= $(FUZZ_TARGETS_ALL)
# (make fuzz-host installs clang first: the top-level ENTRY_POINTS.)
fuzz-host-installed: fuzz-host-bin
	$(PYTHON) tools/run_fuzz.py --time $(FUZZ_TIME) --build $(BUILD) \
		$(FUZZ_TARGETS)

# ---- coverage (make fuzz-coverage; a measurement, not in make test) ----
# The same fuzzers built again by a sub-make into $(FUZZ_COV_DIR)/bin/
# with clang's source coverage and without the sanitizers (only the
# fuzzer's own feedback, which it needs to make progress); each runs
# FUZZ_TIME seconds (30 unless given) from its seeds, and
# tools/fuzz_coverage.py reports the profile over the files it tests:
# its FUZZ_SRCS_<target>, and all of common/ for kexec-op.
FUZZ_COV_DIR   := $(BUILD)/fuzz-cov
FUZZ_COV_FLAGS := -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_FILES_kexec-op := $(UNIT_FAKE_SRCS)
$(foreach t,$(FUZZ_PLAIN),$(eval FUZZ_COV_FILES_$(t) := $(FUZZ_SRCS_$(t))))
FUZZ_JOBS ?= 2
fuzz_comma := ,
fuzz_empty :=
fuzz_space := $(fuzz_empty) $(fuzz_empty)
fuzz_cov_spec = $(1)=$(subst $(fuzz_space),$(fuzz_comma),$(strip \
	$(FUZZ_COV_FILES_$(1))))

fuzz-coverage-installed:
	$(Q)$(MAKE) --no-print-directory fuzz-host-bin \
		FUZZ_DIR=$(FUZZ_COV_DIR)/bin \
		FUZZ_SAN="-fsanitize=fuzzer-no-link $(FUZZ_COV_FLAGS)" \
		FUZZ_LINK_SAN="-fsanitize=fuzzer $(FUZZ_COV_FLAGS)"
	$(PYTHON) tools/fuzz_coverage.py \
		--time $(if $(filter command line environment,$(origin FUZZ_TIME)),$(FUZZ_TIME),30) \
		--jobs $(FUZZ_JOBS) --out $(FUZZ_COV_DIR) \
		$(foreach t,$(FUZZ_TARGETS),$(call fuzz_cov_spec,$(t)))

-include $(FUZZ_HV_OBJS:.o=.d) $(FUZZ_T_OBJS:.o=.d) $(FUZZ_FAKE_OBJS:.o=.d) \
	$(FUZZ_TF_OBJS:.o=.d)

.PHONY: fuzz-host-bin fuzz-coverage-installed
