/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The TSC, calibrated against PIT channel 2 (the speaker channel, whose
 * gate and output are visible in port 0x61, so that no interrupt is
 * needed): mode 0 counts down once from a known value and raises OUT2
 * at zero.  The TSC ticks seen meanwhile give its frequency.  The
 * shortest of a few runs is kept, as a late look at OUT2 only adds.
 *
 * Delays are busy waits on rdtsc.  Before calibration a 4 GHz TSC is
 * assumed, so that an early delay is at least as long as asked on any
 * slower TSC.
 */
#include <asm/processor.h>
#include <asm/time.h>
#include <hv/console.h>
#include <hv/param.h>

#define PIT_HZ         1193182UL
#define PIT_CH2        0x42
#define PIT_MODE       0x43
#define PIT_PORT_B     0x61 /* bit 0: gate 2, bit 1: speaker, bit 5: OUT2 */
#define CALIBRATE_MS   20
#define CALIBRATE_RUNS 3
#define EARLY_TSC_KHZ  4000000UL
#define PIT_LATCH      (PIT_HZ * CALIBRATE_MS / 1000)

uint64_t tsc_khz;

uint64_t us_to_tsc(uint64_t us)
{
    return us * (tsc_khz ? tsc_khz : EARLY_TSC_KHZ) / 1000;
}

void udelay(uint64_t us)
{
    uint64_t start = rdtsc(), ticks = us_to_tsc(us);

    while (rdtsc() - start < ticks)
        cpu_relax();
}

void mdelay(uint64_t ms)
{
    udelay(ms * 1000);
}

/* TSC ticks over CALIBRATE_MS of PIT time; 0 if OUT2 never rose. */
static uint64_t pit_measure(void)
{
    uint32_t latch = PIT_LATCH;
    uint64_t t0, t1;
    unsigned long loops = 0;

    /* Gate on, speaker off. */
    outb(PIT_PORT_B, (inb(PIT_PORT_B) & ~0x02) | 0x01);
    /* Channel 2, lobyte/hibyte, mode 0 (interrupt on terminal count), binary. */
    outb(PIT_MODE, 0xb0);
    outb(PIT_CH2, latch & 0xff);
    outb(PIT_CH2, latch >> 8);
    /* Loading the count restarts mode 0 with OUT2 low. */
    t0 = rdtsc();
    while (!(inb(PIT_PORT_B) & 0x20)) {
        /*
         * No PIT (or a stuck one): give up.  A port read takes ~1 us on
         * hardware, far less under emulation, so this is a few seconds
         * at worst and over 100 times the expected count at best.
         */
        if (++loops > 5000000UL)
            return 0;
    }
    t1 = rdtsc();
    /* Too few reads to trust: OUT2 was high before the count began. */
    if (loops < 10)
        return 0;
    return t1 - t0;
}

static uint64_t fallback_khz(const char **how)
{
    uint32_t a, b, c, d;

    cpuid_count(0, 0, &a, &b, &c, &d);
    if (a >= 0x16) {
        cpuid_count(0x16, 0, &a, &b, &c, &d);
        if (a & 0xffff) {
            *how = "CPUID leaf 0x16";
            return (uint64_t)(a & 0xffff) * 1000;
        }
    }
    *how = "a guess";
    return 2000000;
}

/*
 * tsc_khz=N: the TSC's frequency as a previous kernel on this machine
 * calibrated it (a kexec loader passes it on: the TSC does not change
 * across a kexec), which saves the 60 ms of calibration.  Linux has
 * tsc_early_khz= for the same.  Outside 100 MHz .. 10 GHz it is ignored.
 */
static uint64_t opt_tsc_khz;
integer_param("tsc_khz", opt_tsc_khz);

void time_init(void)
{
    uint64_t best = 0;
    const char *how;

    if (opt_tsc_khz >= 100000 && opt_tsc_khz <= 10000000) {
        tsc_khz = opt_tsc_khz;
        printk("TSC: %lu.%03lu MHz (tsc_khz=, not calibrated)\n",
               (unsigned long)(tsc_khz / 1000),
               (unsigned long)(tsc_khz % 1000));
        return;
    }
    if (opt_tsc_khz)
        printk(HVLOG_WARNING "TSC: tsc_khz=%lu is not in 100000 .. 10000000: "
                             "ignored\n",
               (unsigned long)opt_tsc_khz);

    for (unsigned int i = 0; i < CALIBRATE_RUNS; i++) {
        uint64_t t = pit_measure();

        if (t && (!best || t < best))
            best = t;
    }
    if (best) {
        /* best ticks in PIT_LATCH / PIT_HZ seconds. */
        tsc_khz = best * PIT_HZ / (PIT_LATCH * 1000UL);
        printk("TSC: %lu.%03lu MHz (calibrated against the PIT)\n",
               (unsigned long)(tsc_khz / 1000),
               (unsigned long)(tsc_khz % 1000));
        return;
    }
    tsc_khz = fallback_khz(&how);
    printk(HVLOG_WARNING "TSC: the PIT did not count; %lu.%03lu MHz from %s\n",
           (unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000),
           how);
}
