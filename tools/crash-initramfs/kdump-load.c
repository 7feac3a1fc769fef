// SPDX-License-Identifier: GPL-2.0-only
/*
 * kdump-load: native Linux kdump without kexec-tools, for the tests.
 *
 *   kdump-load KERNEL INITRD CMDLINE [--crash]
 *
 * Loads KERNEL + INITRD as the crash kernel with kexec_file_load(2)
 * (KEXEC_FILE_ON_CRASH: the running kernel builds the ELF core header and
 * adds elfcorehdr= itself) and, with --crash, crashes the running kernel
 * through /proc/sysrq-trigger.  The crash kernel's /init (crash-init) then
 * finds a real /proc/vmcore.  Static: it runs from the initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEXEC_FILE_ON_CRASH 0x2     /* include/uapi/linux/kexec.h */

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "--crash"))) {
        fprintf(stderr, "usage: kdump-load KERNEL INITRD CMDLINE [--crash]\n");
        return 2;
    }
    int kernel = open(argv[1], O_RDONLY), initrd = open(argv[2], O_RDONLY);
    if (kernel < 0 || initrd < 0) {
        printf("kdump-load: open %s: %s\n", kernel < 0 ? argv[1] : argv[2],
               strerror(errno));
        return 1;
    }
    if (syscall(SYS_kexec_file_load, kernel, initrd, strlen(argv[3]) + 1,
                argv[3], (unsigned long)KEXEC_FILE_ON_CRASH)) {
        printf("kdump-load: kexec_file_load: %s\n", strerror(errno));
        return 1;
    }
    printf("kdump-load: crash kernel loaded\n");
    if (argc == 4)
        return 0;
    printf("kdump-load: crashing through /proc/sysrq-trigger\n");
    fflush(stdout);
    int trigger = open("/proc/sysrq-trigger", O_WRONLY);
    if (trigger < 0 || write(trigger, "c", 1) != 1)
        printf("kdump-load: /proc/sysrq-trigger: %s\n", strerror(errno));
    return 1;       /* only reached if the crash did not happen */
}
