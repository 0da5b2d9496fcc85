/*
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst in QEMU):
 * a selector port and a data port through which QEMU hands files to the
 * guest. Kestrel reads one, opt/kestrel/cmdline, and appends it to the
 * kernel command line, so the grader and `make qemu CMDLINE=...` choose
 * options without building a new ISO. On other machines the signature
 * check fails and nothing is read.
 */
#include "arch/x86_64/cpu.h"

#define FW_CFG_PORT_SELECTOR 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019

/* One entry of the file directory; multi-byte fields are big-endian. */
struct fwcfg_file {
	uint32_t size;
	uint16_t select;
	uint16_t reserved;
	char name[56];
} __packed;

static void read_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint16_t be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

/* Copy file name into buf (NUL-terminated); its length, or -ENOENT. */
int fwcfg_read_file(const char *name, char *buf, size_t size)
{
	char sig[4];
	uint32_t count;

	outw(FW_CFG_PORT_SELECTOR, FW_CFG_SIGNATURE);
	read_bytes(sig, sizeof(sig));
	if (memcmp(sig, "QEMU", 4) != 0 || size == 0)
		return -ENOENT;

	outw(FW_CFG_PORT_SELECTOR, FW_CFG_FILE_DIR);
	read_bytes(&count, sizeof(count));
	count = be32(count);
	for (uint32_t i = 0; i < count; i++) {
		struct fwcfg_file f;
		size_t n;

		read_bytes(&f, sizeof(f));
		f.name[sizeof(f.name) - 1] = '\0';
		if (strcmp(f.name, name) != 0)
			continue;
		n = MIN((size_t)be32(f.size), size - 1);
		outw(FW_CFG_PORT_SELECTOR, be16(f.select));
		read_bytes(buf, n);
		buf[n] = '\0';
		return n;
	}
	return -ENOENT;
}
