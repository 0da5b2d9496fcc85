/*
 * /dev/rtc0: the PC's battery-backed clock as Linux's RTC class device
 * (include/uapi/linux/rtc.h), so that unmodified hwclock (busybox's,
 * util-linux's) reads and sets it. The clock keeps UTC; Kestrel has no
 * time zones (no /etc/localtime means UTC, as with glibc and musl).
 *
 *   ioctl(fd, RTC_RD_TIME, &tm)    the clock's time now
 *   ioctl(fd, RTC_SET_TIME, &tm)   set it (a date that does not exist,
 *                                  or before 1970: EINVAL)
 *
 * The clock and the system time are separate, as on Linux: setting one
 * leaves the other (hwclock --systohc and --hctosys copy between them).
 * There are no RTC interrupts (alarm, update, periodic), so reading the
 * device is EINVAL and their ioctls are ENOTTY. The CMOS access itself
 * is in arch/x86_64/rtc.c. docs/devices.md.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "fs/chardev.h"
#include "mm/mm.h"
#include "proc/cred.h"
#include "syscall.h"

/* Linux's RTC devices have a major it allocates at boot; Debian's kernel
 * under QEMU gets 252 or 253. */
#define RTC_MAJOR 252

/* Linux's struct rtc_time: struct tm's first nine fields. */
struct linux_rtc_time {
	int32_t tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year;
	int32_t tm_wday, tm_yday, tm_isdst;
};

#define RTC_RD_TIME 0x80247009  /* _IOR('p', 0x09, struct rtc_time) */
#define RTC_SET_TIME 0x4024700a /* _IOW('p', 0x0a, struct rtc_time) */

static long rtc_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct linux_rtc_time lt;
	struct rtc_tm tm;

	switch (cmd) {
	case RTC_RD_TIME:
		rtc_get(&tm);
		lt = (struct linux_rtc_time){
			.tm_sec = (int32_t)tm.sec,
			.tm_min = (int32_t)tm.min,
			.tm_hour = (int32_t)tm.hour,
			.tm_mday = (int32_t)tm.mday,
			.tm_mon = (int32_t)tm.mon - 1,
			.tm_year = (int32_t)tm.year - 1900,
			.tm_wday = (int32_t)tm.wday,
			.tm_yday = (int32_t)tm.yday,
		};
		return copy_to_user(arg, &lt, sizeof(lt)) ? -EFAULT : 0;
	case RTC_SET_TIME:
		if (!cred_capable())
			return -EACCES; /* Linux's, without CAP_SYS_TIME */
		if (copy_from_user(&lt, arg, sizeof(lt)))
			return -EFAULT;
		if (lt.tm_sec < 0 || lt.tm_min < 0 || lt.tm_hour < 0 ||
		    lt.tm_mday < 0 || lt.tm_mon < 0 || lt.tm_year < 70 ||
		    lt.tm_year > 9999 - 1900)
			return -EINVAL;
		tm = (struct rtc_tm){
			.sec = (unsigned int)lt.tm_sec,
			.min = (unsigned int)lt.tm_min,
			.hour = (unsigned int)lt.tm_hour,
			.mday = (unsigned int)lt.tm_mday,
			.mon = (unsigned int)lt.tm_mon + 1,
			.year = (unsigned int)lt.tm_year + 1900,
		};
		return rtc_set(&tm);
	default:
		return -ENOTTY;
	}
}

static ssize_t rtc_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	return -EINVAL; /* no interrupt to wait for (Linux would block) */
}

static const struct file_operations rtc_fops = {
	.read = rtc_read,
	.ioctl = rtc_ioctl,
};

static struct chardev rtc_dev = {
	.name = "rtc0",
	.major = RTC_MAJOR,
	.minor = 0,
	.mode = 0600,
	.fops = &rtc_fops,
};

void rtc_dev_init(void)
{
	chardev_register(&rtc_dev);
}
