# SPDX-License-Identifier: GPL-2.0-only
#
# The Linux crash kernel's host side (docs/linux-crash-kernel.md), included
# by the top-level Makefile; paths are relative to the repository root.
#
#   make linux-kernel      $(LINUX_DIR)/vmlinuz, version, root/ (tools/fetch-linux:
#                          the Debian kernel linux-image-amd64 depends on,
#                          downloaded once, unpacked, never installed)
#   make linux-vmlinux     $(LINUX_DIR)/vmlinux, the ELF inside the bzImage
#   make crash-initramfs   $(LINUX_DIR)/crash-initramfs.cpio
#   make linux             all three, and the tools (bzimage-extract, and
#                          kdump-load for the tests' native kdump)
#
# Like `make test`, these entry points run tools/install-deps first.

LINUX_DIR       := $(BUILD)/linux
LINUX_TOOLS_DIR := $(BUILD)/linux-prep
LINUX_VMLINUZ   := $(LINUX_DIR)/vmlinuz
LINUX_VMLINUX   := $(LINUX_DIR)/vmlinux
CRASH_INITRAMFS := $(LINUX_DIR)/crash-initramfs.cpio
BZIMAGE_EXTRACT := $(LINUX_TOOLS_DIR)/bzimage-extract
CRASH_INIT      := $(LINUX_TOOLS_DIR)/crash-init
KDUMP_LOAD      := $(LINUX_TOOLS_DIR)/kdump-load

LINUX_HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
LINUX_DECOMP_LIBS := -llzma -lz -lzstd -llz4 -lbz2 -llzo2

LINUX_ENTRY_POINTS := linux linux-kernel linux-vmlinux crash-initramfs
LINUX_ARTIFACTS := $(LINUX_VMLINUZ) $(LINUX_VMLINUX) $(CRASH_INITRAMFS) \
	$(BZIMAGE_EXTRACT) $(KDUMP_LOAD)

linux-installed: $(LINUX_ARTIFACTS)
linux-kernel-installed: $(LINUX_VMLINUZ)
linux-vmlinux-installed: $(LINUX_VMLINUX)
crash-initramfs-installed: $(CRASH_INITRAMFS)

# Cached by the script itself: a second run needs no network.  version and
# the modules tree come with vmlinuz.
$(LINUX_VMLINUZ): tools/fetch-linux
	sh tools/fetch-linux $(LINUX_DIR)
	@touch $@

$(LINUX_DIR)/version: $(LINUX_VMLINUZ)

$(BZIMAGE_EXTRACT): tools/linux-prep/bzimage-extract.c
	@mkdir -p $(dir $@)
	$(CC) $(LINUX_HOST_CFLAGS) -o $@ $< $(LINUX_DECOMP_LIBS)

$(LINUX_VMLINUX): $(LINUX_VMLINUZ) $(BZIMAGE_EXTRACT)
	$(BZIMAGE_EXTRACT) $< $@

# Static: the initramfs has no C library.
$(CRASH_INIT): tools/crash-initramfs/crash-init.c \
		tools/crash-initramfs/crash-disk.h include/public/elfnote.h
	@mkdir -p $(dir $@)
	$(CC) $(LINUX_HOST_CFLAGS) -static -o $@ $<

# The tests' native kdump (test_linux_crash_kernel.py), static as well.
$(KDUMP_LOAD): tools/crash-initramfs/kdump-load.c
	@mkdir -p $(dir $@)
	$(CC) $(LINUX_HOST_CFLAGS) -static -o $@ $<

$(CRASH_INITRAMFS): $(CRASH_INIT) $(LINUX_VMLINUZ) \
		tools/crash-initramfs/mkinitramfs.py /bin/busybox
	$(PYTHON) tools/crash-initramfs/mkinitramfs.py --init $(CRASH_INIT) \
		--busybox /bin/busybox \
		--modules $(LINUX_DIR)/root/lib/modules/$$(cat $(LINUX_DIR)/version) \
		--out $@

.PHONY: $(addsuffix -installed,$(LINUX_ENTRY_POINTS))
