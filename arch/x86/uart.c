/* SPDX-License-Identifier: GPL-2.0-only */
/* Polled 16550 driver for the console (see asm/uart.h). */
#include <asm/processor.h>
#include <asm/uart.h>

#define UART_THR      0 /* transmit holding (DLAB=0) */
#define UART_RBR      0 /* receive buffer (DLAB=0) */
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define UART_LSR_DR   0x01 /* data ready */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

void uart_init(void)
{
    outb(COM1_BASE + UART_IER, 0x00); /* polled: no interrupts */
    outb(COM1_BASE + UART_LCR, 0x80); /* DLAB on */
    outb(COM1_BASE + 0, 1);           /* divisor 1: 115200 baud */
    outb(COM1_BASE + 1, 0);
    outb(COM1_BASE + UART_LCR, 0x03); /* 8N1, DLAB off */
    outb(COM1_BASE + UART_FCR, 0xc7); /* FIFOs on and cleared */
    outb(COM1_BASE + UART_MCR, 0x03); /* DTR, RTS */
}

#define UART_FIFO_SIZE 16

/* Bounded wait: a missing UART must not hang the hypervisor. */
static void uart_wait_thre(void)
{
    for (unsigned int i = 0; i < 100000; i++)
        if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
            break;
}

/*
 * THRE with the FIFOs on means the transmit FIFO is empty: up to 16 bytes
 * go out without another look at the LSR.  On the crash path every byte
 * counts (a console line is most of the hypervisor's share of it).
 */
void uart_write(const char *buf, size_t len)
{
    unsigned int room = 0;

    for (size_t i = 0; i < len; i++) {
        for (int cr = buf[i] == '\n'; cr >= 0; cr--) {
            if (!room) {
                uart_wait_thre();
                room = UART_FIFO_SIZE;
            }
            outb(COM1_BASE + UART_THR, cr ? '\r' : (uint8_t)buf[i]);
            room--;
        }
    }
}

int uart_getc(void)
{
    if (!(inb(COM1_BASE + UART_LSR) & UART_LSR_DR))
        return -1;
    return inb(COM1_BASE + UART_RBR);
}
