# Green threads: the prime sieve with channels, and xv6's uthread demo
# (docs/uthread.md).
demo_title "Green threads: a prime sieve of threads and channels"
demo_boot
say "primes starts a generator thread and one filter thread per prime," \
	"all green threads in one process, passing numbers hand to hand" \
	"over unbuffered channels. Ask: how many threads exist at the end?"
step 'primes 12' '^37$'
say "xv6's uthread demo: three threads that yield to each other; the" \
	"switch is a dozen lines of assembly (user/lib/uthread/switch.S)."
step 'uthreads' 'thread_c'
say "The process list shows one process: the kernel never sees them."
step 'ps' ' ps$'
demo_end
