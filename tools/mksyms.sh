#!/bin/sh
# Turn `nm -n -S kestrel.elf` (on stdin) into an assembly file holding the
# kernel's function symbol table, sorted by address, for backtraces
# (kernel/arch/x86_64/panic.c). Empty input gives an empty table, used for
# the first of the two links.
awk '
$NF ~ /^ksym/ || $1 !~ /^[0-9a-f]+$/ { next }
NF == 4 && $3 ~ /^[tTwW]$/ { addr[n] = $1; size[n] = $2; name[n] = $4; n++; next }
NF == 3 && $2 ~ /^[tTwW]$/ { addr[n] = $1; size[n] = ""; name[n] = $3; n++; next }
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.globl ksyms_count, ksyms"
	print "ksyms_count:\n\t.quad " n + 0
	print "ksyms:"
	for (i = 0; i < n; i++) {
		# No size from nm (an assembly label): it runs to the next
		# symbol, unless that one is in another part of the address
		# space (the boot stub is low, the kernel high).
		s = size[i]
		if (s == "") {
			same = i + 1 < n && \
				substr(addr[i], 1, 8) == substr(addr[i + 1], 1, 8)
			s = same ? "0x" addr[i + 1] " - 0x" addr[i] : "1"
		} else
			s = "0x" s
		printf "\t.quad 0x%s, %s, ksym_name_%d\n", addr[i], s, i
	}
	for (i = 0; i < n; i++)
		printf "ksym_name_%d:\n\t.asciz \"%s\"\n", i, name[i]
}'
