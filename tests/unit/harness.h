/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit-test harness: libcheck, the C library, and the hypervisor's
 * headers in one translation unit.
 *
 * The hypervisor's formatter is built as hv_vsnprintf/hv_snprintf (see
 * tests/unit/unit.mk) so that tests can hold it against the C library's.
 * Its error numbers are include/hv/errno.h's; libc's <errno.h> must not
 * define them first, so any that leaked in through a system header go.
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef EPERM
#undef ENOENT
#undef ESRCH
#undef E2BIG
#undef ENOEXEC
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef EBUSY
#undef EEXIST
#undef EXDEV
#undef EINVAL
#undef ENOSPC
#undef ERANGE
#undef ENOSYS
#undef ENODATA
#undef EOVERFLOW
#undef EBADMSG
#undef EOPNOTSUPP
#undef EADDRINUSE
#undef EADDRNOTAVAIL
#undef ENOTRECOVERABLE
#include <hv/errno.h>

#define vsnprintf hv_vsnprintf
#define snprintf  hv_snprintf
#include <hv/lib.h>
#undef vsnprintf
#undef snprintf

#include <hv/types.h>

/* What the hypervisor sources printed through printk(), for assertions. */
extern unsigned int harness_printk_count;
extern char harness_printk_last[512];

/* Run every test of the suite; returns the process exit status. */
int harness_run(Suite *s);

#endif /* TESTS_UNIT_HARNESS_H */
