/*
 * primes: the prime sieve of Go's tour, after Doug McIlroy's, on green
 * threads and unbuffered channels (docs/uthread.md). primes [N] prints
 * the first N primes (default 30), one a line.
 *
 * A generator thread sends 2, 3, 4, ... down a channel. The main thread
 * takes the first number, a prime, prints it, and puts a filter thread
 * after the last one in the chain, which passes on only the numbers the
 * prime does not divide. So after N primes there are N filters, each a
 * thread of its own, and every number walks the chain hand to hand.
 */
#include "ulib.h"
#include "uthread.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>

struct filter {
	struct uthread_chan *in, *out;
	int prime;
};

static void *generate(void *arg)
{
	struct uthread_chan *out = arg;

	for (int i = 2;; i++)
		if (uthread_chan_send(out, &i) != 0)
			return NULL;
}

static void *filter(void *arg)
{
	struct filter *f = arg;
	int n = 0;

	while (uthread_chan_recv(f->in, &n))
		if (n % f->prime != 0 && uthread_chan_send(f->out, &n) != 0)
			break;
	return NULL;
}

static struct uthread_chan *new_chan(void)
{
	struct uthread_chan *c = uthread_chan_create(sizeof(int), 0);

	if (!c)
		err(1, "channel");
	return c;
}

int main(int argc, char **argv)
{
	struct uthread_chan *in = new_chan();
	int count = argc > 1 ? atoi(argv[1]) : 30;

	if (argc > 2 || count <= 0)
		usage("[N]");
	if (!uthread_spawn("generate", generate, in))
		err(1, "spawn");
	for (int i = 0; i < count; i++) {
		struct filter *f = xmalloc(sizeof(*f));

		if (!uthread_chan_recv(in, &f->prime))
			errx(1, "the chain ended");
		printf("%d\n", f->prime);
		f->in = in;
		f->out = new_chan();
		if (!uthread_spawn("filter", filter, f))
			err(1, "spawn");
		in = f->out;
	}
	return 0;
}
