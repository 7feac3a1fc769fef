/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Just enough ACPI to find the CPUs: the RSDP (from the UEFI configuration
 * table through boot_info.rsdp, or found in the BIOS areas: the first KiB
 * of the EBDA, then 0xE0000-0xFFFFF), the XSDT (preferred) or RSDT, and
 * the MADT's local APIC (type 0) and local x2APIC (type 9) entries plus
 * the local APIC address override (type 5).  Every table used has its
 * checksum checked.  The result is nr_cpus and cpu_apic_id[], the boot
 * CPU first, and lapic_phys.
 *
 * Tables are reached through map_firmware_table(), which maps them
 * read-only into the direct map on demand.
 */
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <hv/boot-info.h>
#include <hv/console.h>
#include <hv/lib.h>
#include <hv/param.h>
#include <hv/mm.h>

#define LAPIC_DEFAULT_PHYS 0xfee00000UL
/* Larger tables than this are not believed. */
#define ACPI_TABLE_MAX MiB(1)

/* The tables are read as numbers; what other files use is typed. */
maddr_t lapic_phys = { LAPIC_DEFAULT_PHYS };
maddr_t ioapic_phys[MAX_IOAPICS];
unsigned int nr_ioapics;

struct __packed acpi_rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* over the first 20 bytes */
    char oem_id[6];
    uint8_t revision; /* 0: ACPI 1.0 (RSDT only), 2: ACPI 2.0+ */
    uint32_t rsdt_address;
    uint32_t length; /* ACPI 2.0+: of the whole structure */
    uint64_t xsdt_address;
    uint8_t ext_checksum; /* over length bytes */
    uint8_t reserved[3];
};

struct __packed acpi_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

struct __packed acpi_madt {
    struct acpi_header hdr;
    uint32_t lapic_address;
    uint32_t flags;
    /* entries follow */
};

struct __packed madt_entry {
    uint8_t type;
    uint8_t length;
};

#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC         9

#define MADT_ENABLED        (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)

struct __packed madt_lapic {
    struct madt_entry e;
    uint8_t acpi_id;
    uint8_t apic_id;
    uint32_t flags;
};

struct __packed madt_ioapic {
    struct madt_entry e;
    uint8_t ioapic_id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
};

struct __packed madt_lapic_override {
    struct madt_entry e;
    uint16_t reserved;
    uint64_t address;
};

struct __packed madt_x2apic {
    struct madt_entry e;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t acpi_uid;
};

BUILD_BUG_ON(sizeof(struct acpi_rsdp) != 36);
BUILD_BUG_ON(sizeof(struct acpi_header) != 36);

static uint8_t checksum(const void *p, uint64_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    while (len--)
        sum += *b++;
    return sum;
}

/* A valid RSDP at pa (already mapped by the caller)? */
static bool rsdp_valid(const struct acpi_rsdp *r)
{
    if (memcmp(r->signature, "RSD PTR ", 8) || checksum(r, 20))
        return false;
    /* The extended checksum only exists from revision 2 on. */
    if (r->revision >= 2 &&
        (r->length < sizeof(*r) || r->length > 4096 || checksum(r, r->length)))
        return false;
    return true;
}

static uint64_t scan_for_rsdp(uint64_t start, uint64_t len)
{
    const uint8_t *p = map_firmware_table(_maddr(start), len);

    if (!p)
        return 0;
    /* On 16-byte boundaries; the v2 structure (36 bytes) must fit too. */
    for (uint64_t off = 0; off + 20 <= len; off += 16) {
        const struct acpi_rsdp *r = (const void *)(p + off);

        if (memcmp(r->signature, "RSD PTR ", 8))
            continue;
        if (r->revision >= 2 && off + sizeof(*r) > len)
            continue;
        if (rsdp_valid(r))
            return start + off;
    }
    return 0;
}

/*
 * acpi_rsdp=ADDR: where the RSDP is, for a boot whose loader knows it and
 * whose firmware put it outside the BIOS areas: a hypervisor kexec'd by
 * one first booted under UEFI (Multiboot v1 has no field for it; Linux
 * has the same option).  The table must still be valid there.
 */
static uint64_t opt_acpi_rsdp;
integer_param("acpi_rsdp", opt_acpi_rsdp);

static uint64_t find_rsdp(const char **where)
{
    const uint16_t *ebda_seg;
    uint64_t ebda, pa;

    if (maddr_x(boot_info.rsdp)) {
        *where = "UEFI";
        return maddr_x(boot_info.rsdp);
    }
    if (opt_acpi_rsdp) {
        *where = "acpi_rsdp=";
        return opt_acpi_rsdp;
    }
    *where = "BIOS";
    /* The BDA word at 0x40E holds the EBDA segment. */
    ebda_seg = map_firmware_table(_maddr(0x40e), 2);
    if (ebda_seg) {
        ebda = (uint64_t)*ebda_seg << 4;
        if (ebda >= 0x80000 && ebda < 0xa0000 &&
            (pa = scan_for_rsdp(ebda, KiB(1))))
            return pa;
    }
    return scan_for_rsdp(0xe0000, 0x20000);
}

/*
 * Map a whole table and check its checksum; NULL (with a message) when it
 * is not what it should be.  sig may be NULL for "any signature".
 */
static const struct acpi_header *map_table(uint64_t pa, const char *sig)
{
    const struct acpi_header *h;
    uint32_t len;

    if (!pa)
        return NULL;
    h = map_firmware_table(_maddr(pa), sizeof(*h));
    if (!h)
        return NULL;
    if (sig && memcmp(h->signature, sig, 4))
        return NULL;
    len = h->length;
    if (len < sizeof(*h) || len > ACPI_TABLE_MAX) {
        printk(HVLOG_WARNING "ACPI: table %.4s at %#lx: bad length %u\n",
               h->signature, (unsigned long)pa, len);
        return NULL;
    }
    h = map_firmware_table(_maddr(pa), len);
    if (!h)
        return NULL;
    if (checksum(h, len)) {
        printk(HVLOG_WARNING
               "ACPI: table %.4s at %#lx: bad checksum, ignored\n",
               h->signature, (unsigned long)pa);
        return NULL;
    }
    return h;
}

/* Walk the XSDT (8-byte entries) or RSDT (4-byte entries) for sig. */
static const struct acpi_header *find_table(const struct acpi_header *sdt,
                                            unsigned int entry_size,
                                            const char *sig)
{
    const uint8_t *p = (const uint8_t *)(sdt + 1);
    unsigned int n = (sdt->length - sizeof(*sdt)) / entry_size;

    for (unsigned int i = 0; i < n; i++) {
        uint64_t pa;
        const struct acpi_header *h;

        if (entry_size == 8) {
            uint64_t v;

            memcpy(&v, p + i * 8, 8);
            pa = v;
        } else {
            uint32_t v;

            memcpy(&v, p + i * 4, 4);
            pa = v;
        }
        h = map_firmware_table(_maddr(pa), sizeof(*h));
        if (!h || memcmp(h->signature, sig, 4))
            continue;
        h = map_table(pa, sig);
        if (h)
            return h;
    }
    return NULL;
}

/* What the MADT says, before the boot CPU is put first. */
static uint32_t madt_ids[NR_CPUS];
static unsigned int madt_nr;
static unsigned int madt_ignored;

static void add_cpu(uint32_t id, uint32_t flags, const char *kind)
{
    if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
        return;
    /* The xAPIC mode used here addresses 8-bit IDs; 0xff is broadcast. */
    if (id >= 0xff) {
        printk(HVLOG_WARNING
               "ACPI: %s APIC ID %u not addressable in xAPIC mode, ignored\n",
               kind, id);
        madt_ignored++;
        return;
    }
    for (unsigned int i = 0; i < madt_nr; i++)
        if (madt_ids[i] == id)
            return; /* listed twice (type 0 and 9): once is enough */
    if (madt_nr == NR_CPUS) {
        printk(HVLOG_WARNING
               "ACPI: CPU with APIC ID %u ignored (NR_CPUS is %u)\n",
               id, NR_CPUS);
        madt_ignored++;
        return;
    }
    madt_ids[madt_nr++] = id;
}

static void parse_madt(const struct acpi_madt *madt)
{
    const uint8_t *p = (const uint8_t *)(madt + 1);
    const uint8_t *end = (const uint8_t *)madt + madt->hdr.length;

    lapic_phys = _maddr(madt->lapic_address);
    while (p + sizeof(struct madt_entry) <= end) {
        const struct madt_entry *e = (const void *)p;

        if (e->length < sizeof(*e) || p + e->length > end) {
            printk(HVLOG_WARNING
                   "ACPI: MADT entry of length %u at offset %lu, stopping\n",
                   e->length, (unsigned long)(p - (const uint8_t *)madt));
            break;
        }
        switch (e->type) {
        case MADT_LAPIC:
            if (e->length >= sizeof(struct madt_lapic)) {
                const struct madt_lapic *l = (const void *)e;

                add_cpu(l->apic_id, l->flags, "local");
            }
            break;
        case MADT_X2APIC:
            if (e->length >= sizeof(struct madt_x2apic)) {
                const struct madt_x2apic *x = (const void *)e;

                add_cpu(x->x2apic_id, x->flags, "x2APIC");
            }
            break;
        case MADT_IOAPIC:
            if (e->length >= sizeof(struct madt_ioapic)) {
                const struct madt_ioapic *io = (const void *)e;

                if (nr_ioapics < MAX_IOAPICS)
                    ioapic_phys[nr_ioapics++] = _maddr(io->address);
                else
                    printk(HVLOG_WARNING "ACPI: more than %u IOAPICs; the one "
                                         "at %#x is not quiesced on kexec\n",
                           MAX_IOAPICS, io->address);
            }
            break;
        case MADT_LAPIC_OVERRIDE:
            if (e->length >= sizeof(struct madt_lapic_override)) {
                const struct madt_lapic_override *o = (const void *)e;

                lapic_phys = _maddr(o->address);
            }
            break;
        default:
            break;
        }
        p += e->length;
    }
}

static uint32_t boot_cpu_apic_id(void)
{
    uint32_t a, b, c, d;

    cpuid_count(1, 0, &a, &b, &c, &d);
    return b >> 24;
}

void acpi_init(void)
{
    const struct acpi_header *sdt = NULL, *madt = NULL;
    const struct acpi_rsdp *rsdp = NULL;
    uint32_t bsp = boot_cpu_apic_id();
    const char *where;
    uint64_t rsdp_pa = find_rsdp(&where);

    if (rsdp_pa) {
        rsdp = map_firmware_table(_maddr(rsdp_pa), 20);
        if (rsdp && rsdp->revision >= 2)
            rsdp = map_firmware_table(_maddr(rsdp_pa), sizeof(*rsdp));
        if (rsdp && !rsdp_valid(rsdp)) {
            printk(HVLOG_WARNING "ACPI: RSDP at %#lx (%s) is not valid\n",
                   (unsigned long)rsdp_pa, where);
            rsdp = NULL;
        }
    }
    /* The one every later reader uses (dom0's start_info.rsdp_paddr). */
    boot_info.rsdp = _maddr(rsdp ? rsdp_pa : 0);
    if (rsdp) {
        printk("ACPI: RSDP %#lx (%s, revision %u, %.6s)\n",
               (unsigned long)rsdp_pa, where, rsdp->revision, rsdp->oem_id);
        if (rsdp->revision >= 2 && rsdp->xsdt_address &&
            (sdt = map_table(rsdp->xsdt_address, "XSDT")))
            madt = find_table(sdt, 8, "APIC");
        if (!madt && rsdp->rsdt_address &&
            (sdt = map_table(rsdp->rsdt_address, "RSDT")))
            madt = find_table(sdt, 4, "APIC");
        if (!sdt)
            printk(HVLOG_WARNING "ACPI: no valid XSDT or RSDT\n");
    } else {
        printk(HVLOG_WARNING "ACPI: no RSDP found\n");
    }

    if (madt) {
        printk("ACPI: %.4s %#lx, MADT %#lx\n", sdt->signature,
               (unsigned long)maddr_x(virt_to_maddr(sdt)),
               (unsigned long)maddr_x(virt_to_maddr(madt)));
        parse_madt((const struct acpi_madt *)madt);
    } else {
        if (rsdp)
            printk(HVLOG_WARNING "ACPI: no valid MADT\n");
    }

    /* The boot CPU is CPU 0, whatever its place in the MADT. */
    nr_cpus = 0;
    cpu_apic_id[nr_cpus++] = bsp;
    for (unsigned int i = 0; i < madt_nr; i++)
        if (madt_ids[i] != bsp && nr_cpus < NR_CPUS)
            cpu_apic_id[nr_cpus++] = madt_ids[i];
    if (madt) {
        bool bsp_listed = false;

        for (unsigned int i = 0; i < madt_nr; i++)
            bsp_listed |= madt_ids[i] == bsp;
        if (!bsp_listed) {
            printk(HVLOG_WARNING
                   "ACPI: the boot CPU (APIC ID %u) is not in the MADT\n",
                   bsp);
            /* It displaced the last one listed if the table was full. */
            if (madt_nr == NR_CPUS) {
                printk(HVLOG_WARNING
                       "ACPI: CPU with APIC ID %u ignored (NR_CPUS is %u)\n",
                       madt_ids[NR_CPUS - 1], NR_CPUS);
                madt_ignored++;
            }
        }
    } else {
        printk(HVLOG_WARNING "ACPI: no MADT: running on the boot CPU only\n");
    }

    for (unsigned int i = 0; i < nr_cpus; i++)
        printk("ACPI: CPU %u APIC ID %u%s\n", i, cpu_apic_id[i],
               i == 0 ? " (boot CPU)" : "");
    if (madt_ignored)
        printk(HVLOG_WARNING "ACPI: %u CPU%s ignored\n", madt_ignored,
               madt_ignored == 1 ? "" : "s");
    printk("ACPI: local APIC at %#lx\n", (unsigned long)maddr_x(lapic_phys));
}
