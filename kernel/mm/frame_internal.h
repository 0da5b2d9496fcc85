/*
 * Private to kernel/mm: the frame array that frame.c keeps, one entry per
 * physical frame, and what kmalloc.c may do with the entries of the
 * frames it owns. Nothing outside kernel/mm includes this; mm.h is the
 * public face. docs/memory.md has the picture.
 */
#ifndef KESTREL_MM_FRAME_INTERNAL_H
#define KESTREL_MM_FRAME_INTERNAL_H

#include "mm/mm.h"

#define FRAME_NONE 0xffffffffu /* "no frame" in a 32-bit frame index link */

/* frame.flags, written by frame.c under the frames lock. */
#define FRAME_FREE 0x1      /* heads a free block, on free_lists[order] */
#define FRAME_ALLOCATED 0x2 /* heads an allocated block of 2^order frames */

/* frame.owner: set by kmalloc on the head frame of a block it took from
 * frames_alloc, cleared before it gives the block back. */
#define FRAME_OWNER_NONE 0
#define FRAME_OWNER_SLAB 1 /* a single frame carved into kmalloc objects */
#define FRAME_OWNER_HEAP 2 /* one large kmalloc object (2^order frames) */
/* frame.owner of a user page (frame_alloc_user): mapped into address
 * spaces and held by the page cache, freed by the last frame_unref. */
#define FRAME_OWNER_USER 3

/*
 * One physical frame. A free block is linked into its order's free list
 * through the entry of its first frame; an allocated block belongs to
 * whoever allocated it, and a slab page reuses the same links for its
 * size class's list of pages with free objects. The first four fields
 * are the frames lock's while the block is free and the owner's while it
 * is allocated. kfree reads owner without a lock: it changes only while
 * its owner holds the block, so a stale value means a bad pointer. A user
 * page (FRAME_OWNER_USER) uses the slab fields' bytes as its reference
 * count, changed only with atomic operations (frame.c).
 */
struct frame {
	uint32_t next, prev; /* list links: frame indices, FRAME_NONE ends */
	union {
		struct {
			uint16_t slab_free;   /* slab page: offset of first
					       * free object */
			uint16_t slab_in_use; /* slab page: objects handed out */
		};
		uint32_t refcount; /* user page: mappings + page cache */
	};
	uint8_t order;      /* of the block this frame heads */
	uint8_t flags;      /* FRAME_FREE, FRAME_ALLOCATED (frames lock) */
	uint8_t owner;      /* FRAME_OWNER_* (the owner's) */
	uint8_t slab_class; /* slab page: index of its size class */
};

/* Lists of blocks linked through their first frames' entries: head is
 * the first frame's index, or FRAME_NONE when the list is empty. The
 * caller holds the lock that protects the list. */
void frame_list_push(uint32_t *head, struct frame *f);
void frame_list_remove(uint32_t *head, struct frame *f);

/* A physical address range [start, end). */
struct phys_range {
	physaddr_t start, end;
};
/* Sort r[0..n) by start and merge the ranges that overlap or touch;
 * returns how many are left. */
unsigned int phys_ranges_merge(struct phys_range *r, unsigned int n);

/* The entry of the frame at physical address pa (any offset within the
 * frame), or NULL if pa lies beyond the array. */
struct frame *frame_of(physaddr_t pa);
/* Index <-> entry, for list links. */
struct frame *frame_at(uint32_t index);
uint32_t frame_index(const struct frame *f);

/* The user page at pa is being mapped executable: the CPU may run code
 * from it, so frames_alloc zeroes it before handing it out again (see
 * unscrubbed in frame.c: QEMU's self-modifying-code slow path). */
void frame_mark_code(physaddr_t pa);

#endif
