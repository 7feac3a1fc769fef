/* SPDX-License-Identifier: GPL-2.0-only */
/* 16550 UART on COM1 (I/O port 0x3f8), polled, 115200 8N1. */
#ifndef ASM_UART_H
#define ASM_UART_H

#include <hv/types.h>

#define COM1_BASE 0x3f8
#define COM2_BASE 0x2f8

void uart_init(void);
void uart_write(const char *buf, size_t len);
/* A received byte, or -1 when none is waiting. */
int uart_getc(void);

#endif /* ASM_UART_H */
