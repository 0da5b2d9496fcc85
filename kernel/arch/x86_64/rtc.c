/*
 * The wall clock. The PC's CMOS real-time clock (the MC146818 and its
 * successors; under QEMU it starts at the host's UTC time) is read once at
 * boot; from then on the time of day is that reading plus the TSC-based
 * monotonic clock, so it never jumps and costs nothing to read, until
 * settimeofday or clock_settime moves it (time_set_realtime_ns). The
 * clock device /dev/rtc0 (drivers/rtc.c) reads and sets the CMOS clock
 * itself, as hwclock expects: setting one does not move the other, as on
 * Linux. Registers: the MC146818A data sheet and the OSDev wiki's "CMOS"
 * page.
 */
#include "arch/x86_64/cpu.h"
#include "lib/spinlock.h"

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
#define STATUS_B_SET 0x80 /* updates stop while the time is written */
#define HOURS_PM 0x80

struct rtc_time {
	unsigned int sec, min, hour, day, month, year, century;
};

/* Nanoseconds since 1970-01-01 00:00 UTC at the moment time_ns() was 0.
 * Read and written whole with __atomic (one aligned word): readers take
 * no lock. */
static uint64_t boot_epoch_ns;

/* The CMOS index and data ports are one pair: an index written by one
 * CPU must not be used by another's data access. */
static struct spinlock cmos_lock = SPINLOCK_INIT("cmos");

/* Caller holds cmos_lock. */
static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	return inb(CMOS_DATA);
}

/* Caller holds cmos_lock. */
static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(CMOS_INDEX, CMOS_NMI_DISABLE | reg);
	outb(CMOS_DATA, v);
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

static unsigned int to_bcd(unsigned int v)
{
	return (v / 10) << 4 | (v % 10);
}

/* Read until two readings agree, so no field is torn by an update.
 * Caller holds cmos_lock. */
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

	spin_lock(&cmos_lock);
	rtc_read(&t);
	spin_unlock(&cmos_lock);
	if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 ||
	    t.hour > 23 || t.min > 59 || t.sec > 60) {
		kprintf("rtc: nonsense reading %u-%u-%u %u:%u:%u; the clock "
			"starts at 1970\n",
			t.year, t.month, t.day, t.hour, t.min, t.sec);
		return;
	}
	secs = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 +
	       t.min * 60 + t.sec;
	time_set_realtime_ns((uint64_t)secs * NS_PER_SEC);
	kprintf("rtc: %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.month,
		t.day, t.hour, t.min, t.sec);
}

uint64_t time_realtime_ns(void)
{
	return __atomic_load_n(&boot_epoch_ns, __ATOMIC_RELAXED) + time_ns();
}

void time_set_realtime_ns(uint64_t ns)
{
	__atomic_store_n(&boot_epoch_ns, ns - time_ns(), __ATOMIC_RELAXED);
}

void rtc_get(struct rtc_tm *tm)
{
	struct rtc_time t;
	int64_t days;

	spin_lock(&cmos_lock);
	rtc_read(&t);
	spin_unlock(&cmos_lock);
	days = days_from_civil(t.year, t.month, t.day);
	*tm = (struct rtc_tm){
		.sec = t.sec,
		.min = t.min,
		.hour = t.hour,
		.mday = t.day,
		.mon = t.month,
		.year = t.year,
		.wday = (unsigned int)((days % 7 + 11) %
				       7), /* 1970-01-01: Thu */
		.yday = (unsigned int)(days - days_from_civil(t.year, 1, 1)),
	};
}

/* Days in month mon (1-12) of year. */
static unsigned int month_days(unsigned int year, unsigned int mon)
{
	static const uint8_t days[] = { 31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[mon - 1] + (mon == 2 && leap);
}

int rtc_set(const struct rtc_tm *tm)
{
	uint8_t status;
	unsigned int year = tm->year % 100, century = tm->year / 100;
	unsigned int v[6];
	static const uint8_t regs[6] = { RTC_SECONDS, RTC_MINUTES, RTC_HOURS,
					 RTC_DAY,     RTC_MONTH,   RTC_YEAR };

	if (tm->year < 1970 || tm->year > 9999 || tm->mon < 1 || tm->mon > 12 ||
	    tm->mday < 1 || tm->mday > month_days(tm->year, tm->mon) ||
	    tm->hour > 23 || tm->min > 59 || tm->sec > 59)
		return -EINVAL;
	v[0] = tm->sec;
	v[1] = tm->min;
	v[2] = tm->hour;
	v[3] = tm->mday;
	v[4] = tm->mon;
	v[5] = year;
	spin_lock(&cmos_lock);
	status = cmos_read(RTC_STATUS_B);
	cmos_write(RTC_STATUS_B, status | STATUS_B_SET);
	for (int i = 0; i < 6; i++) {
		unsigned int x = v[i];

		/* A 12-hour clock keeps 1-12 and a PM bit. */
		if (i == 2 && !(status & STATUS_B_24_HOUR)) {
			x = x % 12 ? x % 12 : 12;
			if (!(status & STATUS_B_BINARY))
				x = to_bcd(x);
			cmos_write(regs[i], x | (v[2] >= 12 ? HOURS_PM : 0));
			continue;
		}
		cmos_write(regs[i], status & STATUS_B_BINARY ? x : to_bcd(x));
	}
	cmos_write(RTC_CENTURY,
		   status & STATUS_B_BINARY ? century : to_bcd(century));
	cmos_write(RTC_STATUS_B, status & ~STATUS_B_SET);
	spin_unlock(&cmos_lock);
	return 0;
}
