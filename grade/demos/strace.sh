# strace of a pipeline, inside Kestrel (docs/ptrace.md).
demo_title "strace: the system calls of a pipeline"
demo_boot
say "strace -f follows a shell and the two children it forks for a" \
	"pipeline: pipe, fork, dup2 onto 0 and 1, execve, and the" \
	"read and write that move the bytes. Ask: who closes which end, and" \
	"what happens if one end stays open?"
step 'strace -f sh -c "echo hi | cat"' 'pipe2?\(\[' 60
say "strace -c counts instead: the calls of ls, with their errors."
step 'strace -c ls /' 'total' 60
demo_end
