// SPDX-License-Identifier: GPL-2.0-only
/*
 * crash-init: /init of the crash initramfs (docs/linux-crash-kernel.md).
 *
 * Reports what the crash kernel was given (/proc/vmcore and its notes, or
 * that there is none), saves the dump to /dev/vda (crash-disk.h), prints
 * the command line, and ends QEMU through isa-debug-exit: 0x28 (status 81)
 * when everything asked for worked, 0x29 (status 83) after a FAILED line.
 *
 * Kernel command line words it reads:
 *   crash-init.src=PATH   save PATH instead of /proc/vmcore
 *   crash-init=shell      run busybox sh at the end instead of exiting
 *
 * Static (gcc -static): the initramfs has no C library.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../include/public/elfnote.h"
#include "crash-disk.h"

#define VMCORE           "/proc/vmcore"
#define DISK             "/dev/vda"
#define MODULE_ORDER     "/lib/modules/crash-init.order"
#define DISK_WAIT_MS     30000
#define DEBUG_EXIT_PORT  0xf4
#define EXIT_OK          0x28       /* QEMU status (0x28 << 1) | 1 = 81 */
#define EXIT_FAILED      0x29       /* status 83 */
#define BLOCK            4096
#define CHUNK            (1 << 20)

static int failed;
static char cmdline[4096];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;

    fputs("crash-init: ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

/* The one line that says what failed; the exit code then is EXIT_FAILED. */
#define FAIL(...) do { say("FAILED: " __VA_ARGS__); failed = 1; } while (0)

static uint64_t uptime_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_BOOTTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = 0;
    return 0;
}

/* The value of `key=` on the command line (a fresh copy), or NULL. */
static char *cmdline_value(const char *key)
{
    size_t klen = strlen(key);
    for (char *w = cmdline; *w; ) {
        size_t len = strcspn(w, " ");
        if (len > klen && !strncmp(w, key, klen) && w[klen] == '=')
            return strndup(w + klen + 1, len - klen - 1);
        w += len;
        w += strspn(w, " ");
    }
    return NULL;
}

static void mount_fs(const char *type, const char *dir)
{
    mkdir(dir, 0755);
    if (mount(type, dir, type, 0, NULL) && errno != EBUSY)
        FAIL("mount %s on %s: %s", type, dir, strerror(errno));
}

/* ---- the dump's ELF header and notes ------------------------------------ */

struct note_kind {
    char name[32];
    uint32_t type;
    unsigned count;
};

static const char *note_type_name(const char *name, uint32_t type)
{
    if (!strcmp(name, "CORE") && type == NT_PRSTATUS)
        return "NT_PRSTATUS";
    if (!strcmp(name, "VMCOREINFO") && type == VMCOREINFO_NOTE_TYPE)
        return "VMCOREINFO";
    if (!strcmp(name, "HV") && type == HV_ELFNOTE_CRASH_INFO)
        return "HV_ELFNOTE_CRASH_INFO";
    return "?";
}

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
    ssize_t n = pread(fd, buf, len, off);
    return n == (ssize_t)len ? 0 : -1;
}

static void print_hv_note(const uint8_t *desc, uint32_t descsz)
{
    struct hv_crash_info hi;

    if (descsz < sizeof(hi)) {
        say("HV note: %u bytes, shorter than struct hv_crash_info", descsz);
        return;
    }
    memcpy(&hi, desc, sizeof(hi));
    hi.reason[sizeof(hi.reason) - 1] = 0;
    say("HV note: version %u, crashing CPU %u of %u, saved mask 0x%x, "
        "reason \"%s\"", hi.version, hi.crashing_cpu, hi.nr_cpus,
        hi.cpus_saved, hi.reason);
    /* The TSC does not stop across the handoff: /init's own TSC (the
       "uptime" line) minus tsc_panic is the whole crash boot. */
    say("HV note: TSC %" PRIu64 " kHz, at panic %" PRIu64 ", at handoff %"
        PRIu64, hi.tsc_khz, hi.tsc_panic, hi.tsc_handoff);
}

/* Walks one PT_NOTE segment, adding each note to kinds[]. */
static int walk_notes(const uint8_t *p, size_t len, struct note_kind *kinds,
                      unsigned *nkinds, unsigned max_kinds)
{
    size_t pos = 0;

    while (len - pos >= sizeof(Elf64_Nhdr)) {
        Elf64_Nhdr nh;
        memcpy(&nh, p + pos, sizeof(nh));
        if (nh.n_namesz == 0 && nh.n_descsz == 0 && nh.n_type == 0)
            break;                  /* zero padding at the end */
        size_t name_off = pos + sizeof(nh);
        size_t desc_off = name_off + ((nh.n_namesz + 3) & ~3u);
        size_t next = desc_off + ((nh.n_descsz + 3) & ~3u);
        if (next > len || next <= pos)
            return -1;
        char name[32] = "";
        size_t nlen = nh.n_namesz < sizeof(name) ? nh.n_namesz : sizeof(name) - 1;
        memcpy(name, p + name_off, nlen);
        name[nlen] = 0;

        unsigned k;
        for (k = 0; k < *nkinds; k++)
            if (!strcmp(kinds[k].name, name) && kinds[k].type == nh.n_type)
                break;
        if (k == *nkinds && k < max_kinds) {
            snprintf(kinds[k].name, sizeof(kinds[k].name), "%s", name);
            kinds[k].type = nh.n_type;
            kinds[k].count = 0;
            (*nkinds)++;
        }
        if (k < *nkinds)
            kinds[k].count++;
        if (!strcmp(name, "HV") && nh.n_type == HV_ELFNOTE_CRASH_INFO)
            print_hv_note(p + desc_off, nh.n_descsz);
        pos = next;
    }
    return 0;
}

/* Prints the notes and PT_LOADs of an ELF64 core; 0 if it is one. */
static int describe_core(const char *path, int fd)
{
    Elf64_Ehdr eh;

    if (read_at(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_CORE) {
        say("%s is not an ELF64 core", path);
        return -1;
    }
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) {
        FAIL("%s: ELF header with phentsize %u, phnum %u", path,
             eh.e_phentsize, eh.e_phnum);
        return -1;
    }

    struct note_kind kinds[32];
    unsigned nkinds = 0, nloads = 0, nnotes = 0;
    uint64_t load_bytes = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (read_at(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph))) {
            FAIL("%s: cannot read program header %u", path, i);
            return -1;
        }
        if (ph.p_type == PT_LOAD) {
            nloads++;
            load_bytes += ph.p_filesz;
        } else if (ph.p_type == PT_NOTE) {
            nnotes++;
            uint8_t *buf = malloc(ph.p_filesz ? ph.p_filesz : 1);
            if (!buf || read_at(fd, buf, ph.p_filesz, ph.p_offset) ||
                walk_notes(buf, ph.p_filesz, kinds, &nkinds, 32)) {
                FAIL("%s: PT_NOTE %u (offset 0x%" PRIx64 ", %" PRIu64
                     " bytes) is unreadable or malformed", path, i,
                     (uint64_t)ph.p_offset, (uint64_t)ph.p_filesz);
                free(buf);
                return -1;
            }
            free(buf);
        }
    }

    unsigned prstatus = 0;
    int vmcoreinfo = 0, hv = 0;
    for (unsigned k = 0; k < nkinds; k++) {
        say("note \"%s\" type 0x%x (%s) x%u", kinds[k].name, kinds[k].type,
            note_type_name(kinds[k].name, kinds[k].type), kinds[k].count);
        if (!strcmp(kinds[k].name, "CORE") && kinds[k].type == NT_PRSTATUS)
            prstatus += kinds[k].count;
        if (!strcmp(kinds[k].name, "VMCOREINFO"))
            vmcoreinfo = 1;
        if (!strcmp(kinds[k].name, "HV"))
            hv = 1;
    }
    say("notes: %u PT_NOTE, CORE/NT_PRSTATUS x%u, VMCOREINFO %s, HV note %s",
        nnotes, prstatus, vmcoreinfo ? "present" : "absent",
        hv ? "present" : "absent");
    say("PT_LOAD: %u segments, %" PRIu64 " bytes", nloads, load_bytes);
    return 0;
}

/* ---- modules and the disk ---------------------------------------------- */

static int load_modules(void)
{
    FILE *f = fopen(MODULE_ORDER, "r");
    char path[256], names[512] = "";
    unsigned n = 0;

    if (!f) {
        FAIL("open %s: %s", MODULE_ORDER, strerror(errno));
        return -1;
    }
    while (fgets(path, sizeof(path), f)) {
        path[strcspn(path, "\n")] = 0;
        if (!*path)
            continue;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST)) {
            FAIL("load module %s: %s", path, strerror(errno));
            fclose(f);
            return -1;
        }
        close(fd);
        const char *base = strrchr(path, '/');
        snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s",
                 base ? base + 1 : path);
        n++;
    }
    fclose(f);
    say("loaded %u modules:%s", n, names);
    return 0;
}

static int wait_for(const char *path, unsigned ms)
{
    struct stat st;
    uint64_t end = uptime_ms() + ms;

    while (stat(path, &st)) {
        if (uptime_ms() > end)
            return -1;
        usleep(10000);
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
    const uint64_t *w = (const void *)p;     /* p is 8-byte aligned */
    size_t i;

    for (i = 0; i < len / 8; i++)
        if (w[i])
            return 0;
    for (i *= 8; i < len; i++)
        if (p[i])
            return 0;
    return 1;
}

static int write_all(int fd, const void *buf, size_t len, uint64_t off)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n <= 0)
            return -1;
        p += n;
        off += n;
        len -= n;
    }
    return 0;
}

/* Copies src to DISK after a header block (crash-disk.h). */
static void save(const char *src, int from_vmcore)
{
    static uint8_t buf[CHUNK] __attribute__((aligned(BLOCK)));
    static uint8_t hdr_block[BLOCK];
    struct crash_disk_header *h = (void *)hdr_block;
    uint64_t size = 0, written = 0;

    int in = open(src, O_RDONLY);
    if (in < 0) {
        FAIL("open %s: %s", src, strerror(errno));
        return;
    }
    if (load_modules()) {
        close(in);
        return;
    }
    if (wait_for(DISK, DISK_WAIT_MS)) {
        FAIL("no %s after %u ms (no virtio-blk disk attached?)", DISK,
             DISK_WAIT_MS);
        close(in);
        return;
    }
    int out = open(DISK, O_WRONLY);
    if (out < 0) {
        FAIL("open %s: %s", DISK, strerror(errno));
        close(in);
        return;
    }
    /* No magic on the disk until the dump is complete. */
    if (write_all(out, hdr_block, BLOCK, 0)) {
        FAIL("write %s header: %s", DISK, strerror(errno));
        goto out;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0) {
            FAIL("read %s at %" PRIu64 ": %s", src, size, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        /* Write runs of non-zero blocks; skip zero blocks (sparse). */
        size_t run = 0, run_len = 0;
        for (size_t b = 0; b < (size_t)n; b += BLOCK) {
            size_t len = (size_t)n - b < BLOCK ? (size_t)n - b : BLOCK;
            if (all_zero(buf + b, len)) {
                if (run_len && write_all(out, buf + run, run_len,
                                         CRASH_DISK_DATA_OFFSET + size + run))
                    goto write_error;
                run_len = 0;
                continue;
            }
            if (!run_len)
                run = b;
            run_len += len;
            written++;
        }
        if (run_len && write_all(out, buf + run, run_len,
                                 CRASH_DISK_DATA_OFFSET + size + run))
            goto write_error;
        size += n;
    }
    if (fsync(out)) {
        FAIL("fsync %s: %s", DISK, strerror(errno));
        goto out;
    }

    struct utsname u;
    uname(&u);
    memcpy(h->magic, CRASH_DISK_MAGIC, sizeof(h->magic));
    h->version = CRASH_DISK_VERSION;
    h->flags = from_vmcore ? CRASH_DISK_FROM_VMCORE : 0;
    h->data_offset = CRASH_DISK_DATA_OFFSET;
    h->size = size;
    h->nonzero_blocks = written;
    h->uptime_ms = uptime_ms();
    snprintf(h->release, sizeof(h->release), "%s", u.release);
    snprintf(h->source, sizeof(h->source), "%s", src);
    if (write_all(out, hdr_block, BLOCK, 0) || fsync(out)) {
        FAIL("write %s header: %s", DISK, strerror(errno));
        goto out;
    }
    say("saved %" PRIu64 " bytes of %s to %s", size, src, DISK);
    say("%" PRIu64 " non-zero 4 KiB blocks written, the rest skipped", written);
    goto out;

write_error:
    FAIL("write %s at %" PRIu64 ": %s", DISK, CRASH_DISK_DATA_OFFSET + size,
         strerror(errno));
out:
    close(out);
    close(in);
}

static void debug_exit(int code)
{
    fflush(stdout);
    sync();
    if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
        outb(code, DEBUG_EXIT_PORT);
    /* No isa-debug-exit device (not under QEMU): power off instead. */
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

int main(void)
{
    /* The TSC counts from QEMU's reset: with -icount, in virtual time. */
    uint64_t tsc_at_start = __builtin_ia32_rdtsc();

    setvbuf(stdout, NULL, _IOLBF, 0);
    say("/init started");

    mount_fs("proc", "/proc");
    char line[256];
    if (read_text("/proc/uptime", line, sizeof(line)) == 0)
        say("uptime %.*s s, TSC %" PRIu64, (int)strcspn(line, " "), line,
            tsc_at_start);
    mount_fs("sysfs", "/sys");
    mount_fs("devtmpfs", "/dev");

    if (read_text("/proc/cmdline", cmdline, sizeof(cmdline)))
        FAIL("read /proc/cmdline: %s", strerror(errno));
    say("cmdline: %s", cmdline);

    struct stat st;
    int have_vmcore = stat(VMCORE, &st) == 0;
    if (have_vmcore) {
        say("%s: %" PRIu64 " bytes", VMCORE, (uint64_t)st.st_size);
    } else {
        char mem[4096];
        say("no %s (not a crash kernel)", VMCORE);
        if (read_text("/proc/meminfo", mem, sizeof(mem)) == 0)
            say("%.*s", (int)strcspn(mem, "\n"), mem);
    }

    char *src = cmdline_value("crash-init.src");
    if (src && stat(src, &st) == 0)
        say("crash-init.src=%s: %" PRIu64 " bytes", src, (uint64_t)st.st_size);
    const char *dump = src ? src : have_vmcore ? VMCORE : NULL;
    if (dump) {
        int fd = open(dump, O_RDONLY);
        if (fd >= 0) {
            describe_core(dump, fd);
            close(fd);
        }
        save(dump, !src);
    }

    char *mode = cmdline_value("crash-init");
    if (mode && !strcmp(mode, "shell")) {
        say("crash-init=shell: starting /bin/busybox sh%s",
            failed ? " (something FAILED above)" : "");
        fflush(stdout);
        execl("/bin/busybox", "sh", (char *)NULL);
        FAIL("exec /bin/busybox sh: %s", strerror(errno));
    }
    say("done: %s, exiting with 0x%x", failed ? "something FAILED" : "all ok",
        failed ? EXIT_FAILED : EXIT_OK);
    debug_exit(failed ? EXIT_FAILED : EXIT_OK);
}
