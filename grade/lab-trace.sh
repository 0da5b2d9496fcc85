# Lab trace: the tracer (kernel/trace), its tracepoints and pfa, the
# page-fault analyzer. Sourced by grade/grade.sh; helpers in grade/lib.sh;
# docs/tracing.md.

# The ring buffer, in the kernel: order, overruns, set_event, text.
boot trace cmdline="ktest=trace"
ktest_pass trace.events_in_order 5
ktest_pass trace.overrun_counts_and_goes_on 10
ktest_pass trace.set_event_patterns 5
ktest_pass trace.format_names_fields 5

# The sampling profiler (kernel/trace/profile.c, docs/profiling.md): a
# busy loop in a kernel function of known name, profiled on the timer
# tick, is where the samples are, with its caller below it.
boot profile cmdline="ktest=profile"
ktest_pass profile.busy_loop_is_attributed 5

# From user space: kprof around a loop of getppid calls (ubench's null
# system call) reports samples, and the folded stacks show the call's
# path from the entry through the dispatcher to its handler.
shell_boot kprof cmdline="root=vda hz=1000" timeout=300 &&
	serial_send 'kprof run ubench syscall >/dev/null; kprof report -n 500; echo kprof-run-done\r' &&
	wait_for -E '^kprof-run-done' 120 &&
	serial_send 'kprof folded | grep -c sys_getppid; poweroff\r'
boot_wait
test_start kprof_getppid 5
expect_exit 1
ordered
need_re '^kprof: [1-9][0-9]* samples$'
need_re '^ *[0-9]+ +[0-9.]+% +[0-9]+ +[0-9.]+%  syscall_dispatch$'
need_re '^[1-9][0-9]*$'
forbid 'KERNEL PANIC'
test_end

# From user space (user/tests/t_trace.c): getrusage and /proc/PID/stat
# count faults (a zombie's and reaped children's too); N fresh pages are
# exactly N demand-zero events; a flood overruns with a count; tracing
# on and off while three processes fault, on four CPUs.
run_usertests user 240 smp=4 t_trace
usertest_pass t_trace 25

# pfa on fixed programs (user/tests/faultprog.c), line by line.
shell_boot pfa timeout=300 &&
	serial_send 'pfa /tests/faultprog zero 64; echo pfa-zero-done\r' &&
	wait_for -E '^pfa-zero-done' 60 &&
	serial_send 'pfa /tests/faultprog cow 32; echo pfa-cow-done\r' &&
	wait_for -E '^pfa-cow-done' 60 &&
	serial_send 'pfa /tests/faultprog file /tmp/pfa.dat 16; echo pfa-file-done\r' &&
	wait_for -E '^pfa-file-done' 60 &&
	serial_send 'pfa /tests/faultprog stack 100; echo pfa-stack-done\r' &&
	wait_for -E '^pfa-stack-done' 60 &&
	serial_send 'pfa -v /tests/faultprog zero 3 | grep anon; echo pfa-v-done\r' &&
	wait_for -E '^pfa-v-done' 60 &&
	serial_send '/tests/faultprog late 64 & pfa -p $!; echo pfa-p-done\r' &&
	wait_for -E '^pfa-p-done' 90 &&
	serial_send 'sleep 30 & pfa -s 1 -p $!; kill $!; echo pfa-s-done\r' &&
	wait_for -E '^pfa-s-done' 60 &&
	serial_send 'pfa -p 99999; echo pfa-nopid-status $?\r' &&
	wait_for -E '^pfa-nopid-status' 30 &&
	serial_send 'poweroff\r'
boot_wait

test_start pfa_demand_zero 10
expect_exit 1
ordered
need_re '^pfa: /tests/faultprog: exit 0, 1 process$'
need_re '^faults: [0-9]+ \(minor [0-9]+, major [0-9]+\)$'
need_re '^anon: 64 demand-zero 64$'
forbid 'KERNEL PANIC'
test_end

test_start pfa_cow_after_fork 10
expect_exit 1
ordered
need_re '^pfa: /tests/faultprog: exit 0, 2 processes$'
need_re '^anon: 64 demand-zero 32 cow 32$'
need_re '^advice: [0-9]+ copy-on-write faults: after fork'
forbid 'KERNEL PANIC'
test_end

# A file just written is in the page cache (docs/memory.md), as on
# Linux: its 32 faults over two mappings are all minor, and pfa gives no
# major-fault advice.
test_start pfa_file_from_the_cache 10
expect_exit 1
ordered
need_re '^file( /tmp/pfa.dat)?: 32 file-minor 32$'
need_re '^pfa-file-done$'
forbid_re '^advice: [0-9]+ major faults on'
forbid 'KERNEL PANIC'
test_end

test_start pfa_stack_growth 5
expect_exit 1
ordered
need_re '^stack: [0-9]+ demand-zero [0-9]+ stack-grow [0-9]+$'
need_re '^advice: the stack grew [0-9]+ times, a page at a time'
forbid 'KERNEL PANIC'
test_end

test_start pfa_verbose 5
expect_exit 1
ordered
need_re '^fault pid [0-9]+ addr 0x[0-9a-f]+ ip 0x[0-9a-f]+ demand-zero anon$'
need_re '^fault pid [0-9]+ addr 0x[0-9a-f]+ ip 0x[0-9a-f]+ demand-zero anon$'
need_re '^fault pid [0-9]+ addr 0x[0-9a-f]+ ip 0x[0-9a-f]+ demand-zero anon$'
need_re '^anon: 3 demand-zero 3$'
forbid 'KERNEL PANIC'
test_end

# pfa -p attaches to a running process: faultprog late waits until
# mm:page_fault is on, then touches 64 fresh pages, so exactly those are
# counted, and pfa ends when it does ($! is the job's subshell, which
# runs faultprog as its child: pfa follows the descendants it finds); a
# process that outlives -s is reported still running (with however many
# processes the shell's job has: how many levels of subshell a
# background job gets is the shell's business); a pid that does not
# exist is a clear error.
test_start pfa_attach_to_pid 10
expect_exit 1
ordered
need_re '^pfa: pid [0-9]+ \([a-z]+\): ended after [0-9.]+ s, 2 processes$'
need_re '^faults: [0-9]+ \(minor [0-9]+, major [0-9]+\)$'
need_re '^anon: 64 demand-zero 64$'
need_re '^pfa-p-done$'
need_re '^pfa: pid [0-9]+ \([a-z]+\): still running after [0-9.]+ s, [1-9][0-9]* process(es)?$'
need_re '^faults: [0-9]+ \(minor [0-9]+, major [0-9]+\)$'
need_re '^pfa-s-done$'
need_re '^pfa: pid 99999: no such process$'
need_re '^pfa-nopid-status 1$'
forbid 'KERNEL PANIC'
test_end

# irqlat on two CPUs for 2 s: every source's count per CPU agrees with
# /proc/interrupts over the same interval (within 2: the two reads of
# /proc/interrupts and the interval's edges are not one instant), and
# each row's handler times are ordered, min <= avg <= max.
shell_boot irqlat smp=2 timeout=180 &&
	serial_send 'irqlat -s 2; echo irqlat-done\r' &&
	wait_for -E '^irqlat-done' 90 &&
	serial_send 'poweroff\r'
boot_wait

test_start irqlat_counts_agree 10
expect_exit 1
need_re '^irqlat: 2\.0 s, handler time from entry to exit stamp$'
need_re '^LOC cpu0: [0-9]+ interrupts \(/proc/interrupts [0-9]+\), min [0-9.]+ avg [0-9.]+ max [0-9.]+ us$'
need_re '^LOC cpu1: [0-9]+ interrupts \(/proc/interrupts [0-9]+\), min [0-9.]+ avg [0-9.]+ max [0-9.]+ us$'
_bad=$(tr -d '\r' <"$b_log" | awk '
	/^[A-Z0-9]+ cpu[0-9]+: [0-9]+ interrupts \(\/proc\/interrupts / {
		p = $6; sub(/\).*/, "", p)
		d = $3 - p; if (d < 0) d = -d
		if (d > 2) print "count: " $0
		if ($3 > 0 && !($8 <= $10 && $10 <= $12)) print "order: " $0
	}')
[ -z "$_bad" ] || fail_because "rows that disagree" "$_bad"
forbid 'KERNEL PANIC'
test_end

# The same run's histograms: per source and CPU, the handler buckets
# add up to the row's count, and so do the latency buckets to theirs;
# every timer interrupt (LOC) has its latency from the raise (the local
# APIC timer's count), a device line none; buckets rise, and min and max
# lie in the first and last bucket (+-0.1 us: the figures are rounded).
test_start irqlat_histograms 10
expect_exit 1
need_re '^LOC cpu0 latency: [0-9]+ from the raise, min [0-9.]+ avg [0-9.]+ max [0-9.]+ us$'
need_re '^LOC cpu1 latency: [0-9]+ from the raise, min [0-9.]+ avg [0-9.]+ max [0-9.]+ us$'
need_re '^  latency +[0-9.]+ us\+ [0-9]+$'
_bad=$(tr -d '\r' <"$b_log" | awk '
	function inb(v, lo) { return v >= lo - 0.1 && v <= 2 * lo + 0.1 }
	function check() {
		if (row == "") return
		if (hs != hn) print "handler buckets " hs " of " hn ": " row
		if (loc && ln != hn) print "timer latencies " ln " of " hn ": " row
		if (ln > 0 && ls != ln) print "latency buckets " ls " of " ln ": " row
		if (hn > 0 && !(inb(hmin, hf) && inb(hmax, hl)))
			print "handler min/max outside buckets: " row
		if (ln > 0 && !(inb(lmin, lf) && inb(lmax, ll) &&
		    lmin <= lavg && lavg <= lmax))
			print "latency min/avg/max: " row
		row = ""
	}
	/^[A-Z0-9]+ cpu[0-9]+: [0-9]+ interrupts/ {
		check(); row = $0; hn = $3; hs = 0; ln = 0; ls = 0
		hmin = $8; hmax = $12; hf = -1; lf = -1; hp = -1; lp = -1
		loc = ($1 == "LOC")
	}
	/^[A-Z0-9]+ cpu[0-9]+ latency: [0-9]+ from the raise/ {
		ln = $4; lmin = $9; lavg = $11; lmax = $13
		if (!loc) print "a device with a raise time: " $0
	}
	/^  handler +[0-9.]+ us\+ [0-9]+$/ {
		hs += $4; if (hf < 0) hf = $2; hl = $2
		if ($2 < hp) print "handler buckets out of order: " row
		hp = $2
	}
	/^  latency +[0-9.]+ us\+ [0-9]+$/ {
		ls += $4; if (lf < 0) lf = $2; ll = $2
		if ($2 < lp) print "latency buckets out of order: " row
		lp = $2
	}
	/^irqlat-done/ { check() }
	END { check() }')
[ -z "$_bad" ] || fail_because "histograms that do not add up" "$_bad"
forbid 'KERNEL PANIC'
test_end

# schedviz -e on the tracer, on two CPUs, with a workload of known
# shape: one spinner kept on CPU 0, two sharing CPU 1. The summary has
# three spin rows, one that ran on CPU 0 only and two on CPU 1 only;
# CPU 0's timeline is mostly its spinner's letter and CPU 1's mostly the
# other two's, each of them there; the two that share a CPU each waited
# and ran more than one slice; no task ran and waited longer than the
# whole recording.
shell_boot schedviz smp=2 timeout=240 &&
	serial_send 'spin -c 0 10 >/dev/null & spin -c 1 10 >/dev/null & spin -c 1 10 >/dev/null & sleep 1; schedviz -e 3; echo schedviz-done\r' &&
	wait_for -E '^schedviz-done' 120 &&
	serial_send 'poweroff\r'
boot_wait

test_start schedviz_events 10
expect_exit 1
ordered
need_re '^schedviz: [0-9.]+ s of sched_switch and sched_wakeup on 2 CPUs: [0-9]+ switches, [0-9]+ wakeups, 0 events lost$'
need_re '^cpu0 \|[A-Z.~?*]{60}\|$'
need_re '^cpu1 \|[A-Z.~?*]{60}\|$'
need_re '^  PID NAME +RUN_MS +WAIT_MS SLICES WAKEUPS CPUS$'
_bad=$(tr -d '\r' <"$b_log" | awk '
	/^schedviz: [0-9.]+ s of sched_switch/ { span = $2 * 1000 }
	/^cpu[01] \|/ { line[substr($1, 4)] = substr($2, 2, 60) }
	/^  [A-Z] [^ ]+\([0-9]+\)$/ {
		p = $2; sub(/.*\(/, "", p); sub(/\)/, "", p); letter[p] = $1
	}
	/^ +[0-9]+ spin +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ [0-9,-]+$/ {
		if ($7 == "0") zero[++n0] = $1
		else if ($7 == "1") { one[++n1] = $1; w[$1] = $4; sl[$1] = $5 }
		else print "a spinner on CPUs " $7 ": " $0
	}
	/^ +[0-9]+ [^ ]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ [0-9,-]+$/ {
		if ($3 + $4 > span + 1) print "ran and waited too long: " $0
	}
	function count(s, c,   i, k) {
		k = 0
		for (i = 1; i <= length(s); i++) if (substr(s, i, 1) == c) k++
		return k
	}
	END {
		if (n0 != 1 || n1 != 2) { print "spinners: " n0 " on CPU 0, " n1 " on CPU 1"; exit }
		a = count(line[0], letter[zero[1]])
		if (a <= 30) print "CPU 0 is its spinner for " a " of 60 columns"
		b = count(line[1], letter[one[1]]); c = count(line[1], letter[one[2]])
		if (b + c <= 30 || b == 0 || c == 0)
			print "CPU 1 is its spinners for " b " and " c " of 60 columns"
		for (i = 1; i <= 2; i++)
			if (w[one[i]] <= 0 || sl[one[i]] < 2)
				print "spinner " one[i] " sharing CPU 1: wait " w[one[i]] " ms, " sl[one[i]] " slices"
	}')
[ -z "$_bad" ] || fail_because "the timeline does not show the workload" "$_bad"
forbid 'KERNEL PANIC'
test_end
