# Lab trap: exceptions, fault reports, the timer. Sourced by
# grade/grade.sh; helpers in grade/lib.sh.

# Each crash test ends in a fault report naming the vector and, in its
# backtrace, the test function that faulted.
crash_test trap.divide_error 5 -- \
	"divide error (#DE), vector 0" frame:ktest_trap_divide_error
crash_test trap.invalid_opcode 5 -- \
	"invalid opcode (#UD), vector 6" frame:ktest_trap_invalid_opcode
crash_test trap.null_deref 5 -- \
	"page fault (#PF), vector 14" "cr2 0000000000000000" \
	frame:ktest_trap_null_deref
# Running off the stack's end: the guard page faults, the #PF cannot be
# delivered on the same stack, and the double fault's own IST stack lets
# the kernel say what happened. The recursion is deeper than a backtrace
# goes, so only the recursing function is named.
crash_test trap.stack_overflow 10 -- \
	"double fault (#DF), vector 8" "kernel stack overflow" \
	frame:stack_overflow_recurse

# int3 is reported and the test carries on.
boot breakpoint cmdline="ktest=trap.breakpoint"
test_start trap.breakpoint 5
expect_exit 1
ordered
need "breakpoint at"
need_frame ktest_trap_breakpoint
need_re '^ktest: trap\.breakpoint: PASS( |$)'
test_end

# Faults the kernel survives on purpose (the exception table), and the
# symbol table behind every backtrace.
for t in copy_nofault symbols; do
	boot "trap-$t" cmdline="ktest=trap.$t"
	ktest_pass "trap.$t" 5
done

# The grader's own checks: a deliberate triple fault must be seen as one,
# and a CPU spinning with interrupts off as a stall, quickly.
boot triple_fault cmdline="ktest=trap.triple_fault"
test_start trap.triple_fault 5
expect_end triple
need "ktest: trap.triple_fault: RUN"
test_end

boot hang cmdline="ktest=trap.hang" stall=3
test_start trap.hang 5
expect_end stall
need "ktest: trap.hang: RUN"
test_end

# The clock, at two timer rates.
for hz in 100 1000; do
	boot "time-hz$hz" cmdline="ktest=time hz=$hz"
	ktest_pass time.monotonic 5 "time.monotonic@hz$hz"
	ktest_pass time.tick_rate 5 "time.tick_rate@hz$hz"
	ktest_pass time.delay 5 "time.delay@hz$hz"
done
