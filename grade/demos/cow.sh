# Copy-on-write fork, counted by the kernel's page-fault tracepoint
# (pfa, docs/memory.md and docs/tracing.md).
demo_title "Copy-on-write fork: the page faults a fork costs"
demo_boot
say "pfa runs a program under the mm:page_fault tracepoint and counts" \
	"each kind of fault. First a program that does not fork: demand-zero" \
	"pages and file pages, but no copy on write."
step 'pfa echo hello' '^faults: [0-9]+ \(minor'
say "Now a shell that forks a child for a pipeline: after fork the" \
	"parent and child share every page read only, and the first write" \
	"to one copies it. Point at the cow count and at write-reuse: a" \
	"page no one else holds any more is made writable, not copied." \
	"Ask: which pages does the child write before it execs?"
step 'pfa sh -c "echo one | cat"' 'cow [0-9]+' 60
demo_end
