# The ring device: a producer and a consumer through /dev/ring0, and the
# statistics that show who waited for whom (docs/drivers.md).
demo_title "The ring device: a producer, a consumer and who waits"
demo_boot smp=2
say "Kestrel's /dev/ring0 is a byte FIFO in kernel memory: a pipe that" \
	"lives on after its processes. First, bytes wait in it with nobody" \
	"reading."
step 'echo hello, ring > /dev/ring0; ringctl --stats /dev/ring0' \
	'^  bytes written +12'
say "cat takes them out; the ring is empty again."
step 'cat /dev/ring0' '^hello, ring$'
say "ringdemo starts a producer that writes faster than its consumer" \
	"reads: watch the producer sleep for room (writer waits), and the" \
	"consumer take a message only when the producer is asleep." \
	"Ask: why is the count the same on every run, on any machine?"
step 'ringdemo' '^consumer got: .*message' 120
say "The driver's own view: /proc/ring, one line per device."
step 'cat /proc/ring' '^ring0 '
demo_end
