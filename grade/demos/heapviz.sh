# malloc's heap drawn by heapviz (docs/malloc.md).
demo_title "malloc: the heap drawn as slabs and large blocks"
demo_boot
say "heapviz runs a sequence of mallocs and frees and draws the heap" \
	"after each: a slab per size class, one row of 64 slots each ('#'" \
	"in use, '.' free), then the large blocks that have pages of their" \
	"own. Ask: where does a freed slot go, and when does a slab's memory" \
	"go back to the kernel?"
step 'heapviz -e 4' '#' 60
demo_end
