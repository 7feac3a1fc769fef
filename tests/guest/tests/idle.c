/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * idle: dom0 does nothing but yield, the way an idle kernel would, so
 * that the hypervisor reads its serial debug key ('C': crash).  It prints
 * "idle: waiting for the debug key" once; the integration test types the
 * key when it sees that line.  It never ends by itself: the expected end
 * is the hypervisor's panic (QEMU status 9), or the test's timeout.
 */
#include "guest.h"

DEFINE_TEST(idle, "yield forever, so the hypervisor can read its debug key")
{
    printf("idle: waiting for the debug key\n");
    for (;;)
        hc_sched_op(SCHEDOP_yield, 0);
}
