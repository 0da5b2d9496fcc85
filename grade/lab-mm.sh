# Lab mm: physical frames, the kernel heap and page tables. Sourced by
# grade/grade.sh; helpers in grade/lib.sh.

# One boot runs the whole mm suite; each test's line is graded alone.
boot mm mem=512M cmdline="ktest=mm"
for t in frames_all frames_contig heap_basic heap_stress vm_map_walk; do
	ktest_pass "mm.$t" 10
done
# W^X of the kernel image, the direct map, device mappings.
for t in vm_kernel_image vm_direct_map vm_mmio; do
	ktest_pass "mm.$t" 5
done

# The frame allocator on the smallest and a large machine (4 GiB puts
# RAM above the PCI hole, beyond 4 GiB physical). Taking every frame of
# 4 GiB zeroes each one the first time it is handed out (docs/memory.md):
# seconds without a line, and several times that on a busy host, so this
# boot may be silent for up to a minute before it counts as stalled.
boot mm-4G mem=4G stall=60 cmdline="ktest=mm.frames_all"
ktest_pass mm.frames_all 5 mm.frames_all@4G
boot mm-128M mem=128M cmdline="ktest=mm.frames_all"
ktest_pass mm.frames_all 5 mm.frames_all@128M

# The heap's checks catch misuse, with heapdebug=1, as a panic.
crash_test mm.heap_use_after_free 5 cmdline=heapdebug=1 -- \
	"use after free"
crash_test mm.heap_double_free 5 cmdline=heapdebug=1 -- \
	"double free"
crash_test mm.heap_overrun 5 cmdline=heapdebug=1 -- \
	"overrun"
crash_test mm.heap_bad_pointer 5 cmdline=heapdebug=1 -- \
	"kfree: bad pointer" "inside a large object"
crash_test mm.vm_fault_after_unmap 5 -- \
	"page fault (#PF), vector 14" frame:ktest_mm_vm_fault_after_unmap

# User memory in the kernel (kernel/mm/uvm_test.c): areas, faults, copy
# on write and the page cache, on mms that are never loaded.
boot uvm cmdline="ktest=uvm"
for t in areas_split_and_merge_nothing demand_zero access_checks \
	stack_grows_to_its_limit find_space_top_down cow_fork_refcounts \
	fork_and_exit_return_every_frame shared_anonymous_stays_shared \
	shared_file_mapping_is_coherent private_file_mapping_copies_on_write \
	past_the_end_of_a_file exec_segment_bss_is_zero; do
	ktest_pass "uvm.$t" 2
done

# User memory from user space: copy on write, demand paging, mmap and the
# page cache, stack growth, running out of memory (user/tests).
run_usertests user 240 t_cow t_mmap t_stack t_oom
usertest_pass t_cow 10
usertest_pass t_mmap 15
usertest_pass t_stack 5
usertest_pass t_oom 10
