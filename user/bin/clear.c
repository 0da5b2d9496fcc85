/*
 * clear: clears the terminal: the cursor home and the screen erased
 * (ANSI/VT100, which both Kestrel's console and xterm understand), and
 * the scroll-back too (the E3 extension).
 */
#include <unistd.h>

int main(void)
{
	static const char seq[] = "\033[H\033[2J\033[3J";

	return write(1, seq, sizeof(seq) - 1) == sizeof(seq) - 1 ? 0 : 1;
}
