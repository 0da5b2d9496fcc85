# tools/hosttest/strace-normalize.awk: makes two strace outputs of the
# same run comparable (tools/hosttest/strace.sh). Input: one -o file;
# with -v pids=1, each line starts with the tracee's pid (strace -f -o).
#  - "<unfinished ...>" and its "<... NAME resumed>" are joined back into
#    one line, and the lines are grouped by process (first the traced
#    program, then its children in the order their parent created them),
#    so the interleaving of processes, which no two runs share, is gone;
#  - pids become P1, P2 ... (same order; only in the lines of calls that
#    take or give pids, signal and exit lines, and after si_pid=: never a
#    size that equals one), addresses 0x... ADDR, the CPU
#    times in a SIGCHLD's siginfo T, and the inode numbers of -y's
#    pipe:[N] and socket:[N] I, sysinfo's figures N, and -v's stat
#    times T and N;
#  - with -v times=1, the -t/-tt/-ttt/-r time before a line becomes TIME
#    and -T's <0.000012> after it <T>;
#  - with -v vars=1, execve's "/* 41 vars */" becomes "/* N vars */"
#    (to compare runs in two systems, whose environments differ);
#  - with -v racy=1, the lines that depend on when a SIGCHLD comes in
#    a pipeline (the signal, the rt_sigreturn after its handler, a wait4
#    it interrupted, to be restarted) are dropped.
# POSIX awk (mawk).

function addpid(p) {
	if (!(p in name)) {
		npids++
		name[p] = "P" npids
		order[npids] = p
	}
}

# Does line s (a call, a signal or an exit line) hold pids in its
# arguments or result? Only those lines get their numbers replaced (and
# any line its si_pid=), so that a byte count or a size that happens to
# equal a pid is left alone.
function pidline(s) {
	sub(/^TIME /, "", s)
	return s ~ /^(kill|tkill|tgkill|wait4|waitid|getpid|gettid|getppid|set_tid_address|fork|vfork|clone|clone3|setpgid|getpgid|getsid|setsid|getpgrp|prlimit64|ptrace|process_vm_readv|process_vm_writev|sched_[a-z_]+|rt_sigqueueinfo|rt_tgsigqueueinfo|pidfd_open|exit|exit_group)\(/ ||
	       s ~ /^(---|\+\+\+) /
}

# Replaces every whole number that is a known pid with its name: in the
# lines pidline accepts, and after si_pid= in any line.
function pidsub(s,    out, pre, num, all) {
	out = ""
	all = pidline(s)
	while (match(s, /[0-9]+/)) {
		pre = substr(s, 1, RSTART - 1)
		num = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		if ((num in name) && pre !~ /[0-9A-Za-z_.]$/ && s !~ /^[.]/ &&
		    (all || (out pre) ~ /si_pid=$/))
			num = name[num]
		out = out pre num
	}
	return out s
}

{
	if (pids) {
		p = $1
		rest = substr($0, length(p) + 2)
		sub(/^ +/, "", rest) # strace -f -o: "%-5d "
	} else {
		p = "-"
		rest = $0
	}
	if (times) {
		if (sub(/^ *[0-9][0-9:]*(\.[0-9]+)? /, "", rest))
			rest = "TIME " rest
		sub(/ <[0-9]+\.[0-9]+>$/, " <T>", rest)
	}
	if (racy && (rest ~ /--- SIGCHLD / || rest ~ /^rt_sigreturn\(/ ||
	    rest ~ /= \? ERESTART/))
		next
	if (rest ~ / <unfinished \.\.\.>$/) {
		pending[p] = substr(rest, 1, length(rest) - 17)
		next
	}
	if (rest ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
		sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", rest)
		rest = pending[p] rest
		delete pending[p]
	}
	nlines++
	linepid[nlines] = p
	text[nlines] = rest
	if (!seen[p]++)
		firstpid[++nfirst] = p
}

END {
	# the pids: the program first, then each child as its parent's
	# fork/vfork/clone returned it
	if (pids)
		addpid(firstpid[1])
	for (i = 1; i <= nlines; i++) {
		t = text[i]
		if (t ~ /^(fork|vfork|clone|clone3)\(.*\) += [0-9]+$/) {
			sub(/.* = /, "", t)
			addpid(t)
		}
	}
	for (i = 1; i <= nfirst && pids; i++)
		addpid(firstpid[i])
	# the pids the program learns of itself (getpid, set_tid_address)
	for (i = 1; i <= nlines; i++) {
		t = text[i]
		sub(/^TIME /, "", t)
		sub(/ <T>$/, "", t)
		if (t ~ /^(getpid|gettid|set_tid_address)\(.*\) += [0-9]+$/) {
			sub(/.* = /, "", t)
			if (!(t in name))
				name[t] = pids ? name[linepid[i]] : "P1"
		}
	}
	if (!pids)
		order[npids = 1] = "-"
	for (k = 1; k <= npids; k++) {
		for (i = 1; i <= nlines; i++) {
			if (linepid[i] != order[k])
				continue
			t = pidsub(text[i])
			gsub(/0x[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+/, "ADDR", t)
			gsub(/si_utime=[0-9]+( \/\* [0-9.]+ s \*\/)?/, "si_utime=T", t)
			gsub(/si_stime=[0-9]+( \/\* [0-9.]+ s \*\/)?/, "si_stime=T", t)
			gsub(/ +=/, " =", t)
			# -v's stat times are the moment's
			gsub(/time=[0-9]+ \/\* [0-9T:.+-]+ \*\//, "time=T", t)
			gsub(/time_nsec=[0-9]+/, "time_nsec=N", t)
			# sysinfo's numbers are the machine's and the moment's
			if (t ~ /^sysinfo\(\{/) {
				gsub(/loads=\[[0-9, ]+\]/, "loads=[N]", t)
				gsub(/=[0-9]+/, "=N", t)
			}
			if (vars)
				gsub(/\/\* [0-9]+ vars \*\//, "/* N vars */", t)
			gsub(/(pipe|socket):\[[0-9]+\]/, "&I", t)
			gsub(/:\[[0-9]+\]I/, ":[I]", t)
			print (pids ? name[order[k]] " " : "") t
		}
	}
}
