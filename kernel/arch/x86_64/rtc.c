/*
 * The wall clock. The PC's CMOS real-time clock (the MC146818 and its
 * successors; under QEMU it starts at the host's UTC time) is read once at
 * boot; from then on the time of day is that reading plus the TSC-based
 * monotonic clock, so it never jumps and costs nothing to read. Registers:
 * the MC146818A data sheet and the OSDev wiki's "CMOS" page.
 */
#include "arch/x86_64/cpu.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80

#define RTC_SECONDS 0x00
#define RTC_MINUTES 0x02
#define RTC_HOURS 0x04
#define RTC_DAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY 0x32 /* where PCs keep it; ACPI's FADT names it */

#define STATUS_A_UPDATING 0x80
#define STATUS_B_24_HOUR 0x02
#define STATUS_B_BINARY 0x04
#define HOURS_PM 0x80

struct rtc_time {
	unsigned int sec, min, hour, day, month, year, century;
};

/* Seconds since 1970-01-01 00:00 UTC at the moment time_ns() was 0. */
static uint64_t boot_epoch_ns;

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

static void read_raw(struct rtc_time *t)
{
	/* Wait out an update in progress (it lasts under 2 ms). */
	for (int i = 0;
	     i < 100000 && (cmos_read(RTC_STATUS_A) & STATUS_A_UPDATING); i++)
		cpu_relax();
	t->sec = cmos_read(RTC_SECONDS);
	t->min = cmos_read(RTC_MINUTES);
	t->hour = cmos_read(RTC_HOURS);
	t->day = cmos_read(RTC_DAY);
	t->month = cmos_read(RTC_MONTH);
	t->year = cmos_read(RTC_YEAR);
	t->century = cmos_read(RTC_CENTURY);
}

static unsigned int from_bcd(unsigned int v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* Read until two readings agree, so no field is torn by an update. */
static void rtc_read(struct rtc_time *t)
{
	struct rtc_time again;
	uint8_t status;

	read_raw(t);
	for (int i = 0; i < 5; i++) {
		read_raw(&again);
		if (memcmp(t, &again, sizeof(again)) == 0)
			break;
		*t = again;
	}
	status = cmos_read(RTC_STATUS_B);
	if (!(status & STATUS_B_BINARY)) {
		bool pm = t->hour & HOURS_PM;

		t->sec = from_bcd(t->sec);
		t->min = from_bcd(t->min);
		t->hour = from_bcd(t->hour & ~HOURS_PM) | (pm ? HOURS_PM : 0);
		t->day = from_bcd(t->day);
		t->month = from_bcd(t->month);
		t->year = from_bcd(t->year);
		t->century = from_bcd(t->century);
	}
	if (!(status & STATUS_B_24_HOUR) && (t->hour & HOURS_PM))
		t->hour = ((t->hour & ~HOURS_PM) + 12) % 24;
	t->year +=
		(t->century >= 19 && t->century <= 99 ? t->century : 20) * 100;
}

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian), by the
 * days-from-civil method (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Called once at boot, after time_init. */
void rtc_init(void)
{
	struct rtc_time t;
	int64_t secs;

	rtc_read(&t);
	if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
	    t.hour > 23 || t.min > 59 || t.sec > 60) {
		kprintf("rtc: nonsense reading %u-%u-%u %u:%u:%u; the clock "
			"starts at 1970\n",
			t.year, t.month, t.day, t.hour, t.min, t.sec);
		return;
	}
	secs = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
	       t.min * 60 + t.sec;
	boot_epoch_ns = (uint64_t)secs * NS_PER_SEC - time_ns();
	kprintf("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.month,
		t.day, t.hour, t.min, t.sec);
}

uint64_t time_realtime_ns(void)
{
	return boot_epoch_ns + time_ns();
}
