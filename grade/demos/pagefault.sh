# Page faults one at a time: each one's address, the instruction that
# took it, the area it fell in and what the kernel did (docs/memory.md,
# docs/tracing.md).
demo_title "Page faults one by one: address, area, and what the kernel did"
demo_boot
say "A program's memory map: text at 0x400000, data and heap above it," \
	"the stack at the top of the lower half. mem reads /proc/self/maps."
step 'mem self' '\[stack\]'
say "pfa -v lists every fault echo takes, in order: the address (cr2)," \
	"the instruction (rip), the kind the kernel decided (file-minor: a" \
	"page of /bin/echo already in the page cache; demand-zero: a fresh" \
	"zeroed page) and the area. On the board, split the first address" \
	"into its four 9-bit table indices and the 12-bit offset: those are" \
	"the entries the MMU read, and the last one was not present."
step 'pfa -v echo hi' '^fault pid [0-9]+ addr 0x[0-9a-f]+ ip 0x[0-9a-f]+ file-minor text' 60
say "Ask: why does the first fault's address equal its instruction's?"
demo_end
