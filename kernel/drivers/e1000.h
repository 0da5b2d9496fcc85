/*
 * The Intel 82540EM (PCI 8086:100e), the gigabit Ethernet controller QEMU
 * gives a PC by default: its registers and descriptor formats. Section
 * numbers are those of Intel's "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (8254x SDM, revision 4.0).
 * Only what kernel/drivers/e1000.c uses is here; docs/net.md has the
 * rings.
 */
#ifndef KESTREL_E1000_H
#define KESTREL_E1000_H

#include "lib/lib.h"

#define E1000_VENDOR_INTEL 0x8086
#define E1000_DEVICE_82540EM 0x100e

/* Register offsets in the memory BAR 0 (table 13-2, section 13.4). */
#define E1000_CTRL 0x0000   /* device control (13.4.1) */
#define E1000_STATUS 0x0008 /* device status (13.4.2) */
#define E1000_EERD 0x0014   /* EEPROM read (13.4.4) */
#define E1000_ICR 0x00c0    /* interrupt cause read; reading clears it */
#define E1000_IMS 0x00d0    /* interrupt mask set */
#define E1000_IMC 0x00d8    /* interrupt mask clear */
#define E1000_RCTL 0x0100   /* receive control */
#define E1000_TCTL 0x0400   /* transmit control */
#define E1000_TIPG 0x0410   /* transmit inter-packet gap */
#define E1000_RDBAL 0x2800  /* receive ring: base, low and high */
#define E1000_RDBAH 0x2804
#define E1000_RDLEN 0x2808 /* its length in bytes, a multiple of 128 */
#define E1000_RDH 0x2810   /* head: the device's next descriptor */
#define E1000_RDT 0x2818   /* tail: one past the last the driver gave */
#define E1000_RDTR 0x2820  /* receive interrupt delay */
#define E1000_TDBAL 0x3800 /* transmit ring, as for receive */
#define E1000_TDBAH 0x3804
#define E1000_TDLEN 0x3808
#define E1000_TDH 0x3810
#define E1000_TDT 0x3818
#define E1000_MTA 0x5200 /* multicast table array, 128 dwords */
#define E1000_MTA_ENTRIES 128
#define E1000_RAL0 0x5400 /* receive address 0: MAC bytes 0-3 */
#define E1000_RAH0 0x5404 /* bytes 4-5, and AV */

/* Statistics (section 13.7); each clears when read. */
#define E1000_CRCERRS 0x4000 /* CRC errors */
#define E1000_MPC 0x4010     /* missed packets: no descriptor free */
#define E1000_ROC 0x40ac     /* receive oversize */

/* CTRL bits (13.4.1). */
#define E1000_CTRL_ASDE (1u << 5) /* auto-speed detection */
#define E1000_CTRL_SLU (1u << 6)  /* set link up */
#define E1000_CTRL_RST (1u << 26) /* software reset; self-clearing */

/* STATUS bits (13.4.2). */
#define E1000_STATUS_FD (1u << 0) /* full duplex */
#define E1000_STATUS_LU (1u << 1) /* link up */
#define E1000_STATUS_SPEED_SHIFT 6
#define E1000_STATUS_SPEED_MASK 3u /* 0 10, 1 100, 2 and 3 1000 Mb/s */

/* EERD (13.4.4, 82540EM layout): write the word address with START,
 * poll for DONE, the word is in the top half. */
#define E1000_EERD_START (1u << 0)
#define E1000_EERD_DONE (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16
#define E1000_EEPROM_MAC_WORDS 3 /* words 0-2: the MAC (table 5-2) */

/* RAH bits (13.5.3). */
#define E1000_RAH_AV (1u << 31) /* address valid */

/* Interrupt causes, for ICR, IMS and IMC (13.4.17). */
#define E1000_INT_TXDW (1u << 0)   /* a transmit descriptor written back */
#define E1000_INT_LSC (1u << 2)    /* link status change */
#define E1000_INT_RXDMT0 (1u << 4) /* receive descriptors running low */
#define E1000_INT_RXO (1u << 6)    /* receiver overrun */
#define E1000_INT_RXT0 (1u << 7)   /* receive timer: frames arrived */
#define E1000_INT_ALL 0xffffffffu

/* RCTL bits (13.4.22). */
#define E1000_RCTL_EN (1u << 1)     /* receiver on */
#define E1000_RCTL_BAM (1u << 15)   /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 0     /* BSIZE 00 with BSEX 0: 2048 bytes */
#define E1000_RCTL_SECRC (1u << 26) /* strip the Ethernet CRC */

/* TCTL bits (13.4.33) and TIPG values for copper (13.4.34). */
#define E1000_TCTL_EN (1u << 1)
#define E1000_TCTL_PSP (1u << 3) /* pad short packets to 64 bytes */
#define E1000_TCTL_CT_SHIFT 4    /* collision threshold */
#define E1000_TCTL_CT 0x10
#define E1000_TCTL_COLD_SHIFT 12 /* collision distance */
#define E1000_TCTL_COLD_FULL_DUPLEX 0x40
#define E1000_TIPG_IPGT 10
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR1 8
#define E1000_TIPG_IPGR2_SHIFT 20
#define E1000_TIPG_IPGR2 6

/* A receive descriptor (section 3.2.3): the driver fills addr, the
 * device the rest when it has written a frame into the buffer. */
struct e1000_rx_desc {
	uint64_t addr;     /* physical address of a 2048-byte buffer */
	uint16_t length;   /* bytes written into the buffer */
	uint16_t checksum; /* packet checksum (unused) */
	uint8_t status;    /* E1000_RXD_STAT_* */
	uint8_t errors;    /* E1000_RXD_ERR_* */
	uint16_t special;
} __packed;

#define E1000_RXD_STAT_DD (1u << 0)  /* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1) /* end of packet */
/* Frame errors (3.2.3.2): CRC or alignment, symbol, sequence, carrier
 * extension, RX data error. (TCP/IP checksum errors are bits 5-6: the
 * offload is off, the stack checks for itself.) */
#define E1000_RXD_ERR_FRAME 0x97u

/* A legacy transmit descriptor (section 3.3.3). */
struct e1000_tx_desc {
	uint64_t addr;   /* physical address of the frame */
	uint16_t length; /* its bytes */
	uint8_t cso;     /* checksum offset (unused) */
	uint8_t cmd;     /* E1000_TXD_CMD_* */
	uint8_t status;  /* E1000_TXD_STAT_DD once sent, with RS */
	uint8_t css;
	uint16_t special;
} __packed;

#define E1000_TXD_CMD_EOP (1u << 0)  /* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 1) /* insert the CRC */
#define E1000_TXD_CMD_RS (1u << 3)   /* report status (sets DD) */
#define E1000_TXD_STAT_DD (1u << 0)

#endif
