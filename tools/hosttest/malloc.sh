#!/bin/sh
# tools/hosttest/malloc.sh [BUILD]: Kestrel's malloc (user/lib/malloc,
# docs/malloc.md) on this Linux host, beside glibc. Three parts:
#  1. t_malloc (user/tests) built with the host compiler and glibc, with
#     the malloc linked into the program (so it replaces glibc's): the
#     same checks as under musl and in Kestrel, threads included.
#  2. libkmalloc.so, the malloc as a shared object, preloaded
#     (LD_PRELOAD) into programs: this project's sort, ls, grep, wc, uniq,
#     od, tail built for the host, and some of the host's own; each must
#     print what it prints without the preload, in normal and in debug
#     mode, and KESTREL_MALLOC=stats proves the preload took.
#  3. The preloaded malloc under a multi-threaded host program (t_malloc
#     again, this time dynamically linked, its malloc the preloaded one).
# Ends with "malloc: N passed, M failed"; exits 1 if any failed. POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
build=${1:-${BUILD:-build}}
out=$build/hosttest/malloc
cc=${HOSTCC:-cc}
mkdir -p "$out" || exit 2
passed=0
failed=0

pass()
{
	passed=$((passed + 1))
}

fail()
{
	echo "FAIL malloc: $*"
	failed=$((failed + 1))
}

warn="-Wall -Wextra -Werror -std=gnu11"
nobuiltin="-fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc
	-fno-builtin-realloc"
srcs=$(ls user/lib/malloc/*.c)

# ---- 1. t_malloc with glibc, malloc linked in ----------------------------
# shellcheck disable=SC2086 # word lists
if $cc -O2 $warn $nobuiltin -pthread -Iinclude -Iuser/lib/malloc \
	-o "$out/t_malloc" user/tests/t_malloc.c $srcs 2>"$out/cc.log"; then
	if "$out/t_malloc" >"$out/t_malloc.log" 2>&1; then
		pass
	else
		grep FAIL "$out/t_malloc.log"
		fail "t_malloc (glibc, linked in) failed"
	fi
else
	cat "$out/cc.log"
	fail "t_malloc does not build with $cc"
fi

# ---- 2. real programs under LD_PRELOAD -----------------------------------
so=$out/libkmalloc.so
# shellcheck disable=SC2086
if ! $cc -O2 $warn -shared -fPIC -fvisibility=hidden -pthread \
	-o "$so" $srcs 2>"$out/so.log"; then
	cat "$out/so.log"
	fail "libkmalloc.so does not build"
	echo "malloc: $passed passed, $((failed + 1)) failed"
	exit 1
fi
pass
so=$(cd "$(dirname "$so")" && pwd)/$(basename "$so")

for p in sort ls grep wc uniq od tail; do
	# shellcheck disable=SC2086
	$cc -O2 $warn -Iuser/lib -Iinclude -o "$out/$p" user/bin/$p.c \
		user/lib/ulib.c 2>>"$out/cc.log" ||
		fail "user/bin/$p.c does not build for the host"
done

# Input: 20000 lines of pseudo-random words, some repeated.
awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++)
	printf "%d kestrel %x line\n", int(rand() * 5000), i * 2654435761 % 65536 }' \
	>"$out/input"

# same NAME CMD...: CMD's stdout must be the same with the preload, in
# normal and in debug mode, as without it.
same()
{
	_name=$1
	shift
	"$@" >"$out/$_name.want" 2>/dev/null
	_ws=$?
	for _mode in "" debug; do
		KESTREL_MALLOC=$_mode LD_PRELOAD=$so "$@" \
			>"$out/$_name.got" 2>"$out/$_name.err"
		_gs=$?
		if [ "$_gs" -ne "$_ws" ]; then
			fail "$_name (mode '$_mode'): exit $_gs, not $_ws"
			sed -n 1,5p "$out/$_name.err"
		elif ! cmp -s "$out/$_name.want" "$out/$_name.got"; then
			fail "$_name (mode '$_mode'): output differs"
		else
			pass
		fi
	done
}

same kestrel-sort "$out/sort" "$out/input"
same kestrel-sort-r "$out/sort" -r "$out/input"
same kestrel-ls "$out/ls" -l kernel/mm
same kestrel-grep "$out/grep" -c "kestrel 1" "$out/input"
same kestrel-wc "$out/wc" "$out/input"
same kestrel-uniq "$out/uniq" "$out/input"
same kestrel-od "$out/od" -c "$out/t_malloc"
same kestrel-tail "$out/tail" -n 300 "$out/input"
same host-sort sort -n "$out/input"
same host-ls ls -la kernel/fs
same host-awk awk '{ n[$1]++ } END { for (k in n) c++; print c }' "$out/input"
same host-sed sed -e 's/kestrel/KESTREL/' "$out/input"
if command -v python3 >/dev/null 2>&1; then
	same host-python3 python3 -c '
d = {}
for i in range(200000):
    d[str(i)] = [i] * (i % 7)
    if i % 3 == 0:
        del d[str(i // 2)]
print(len(d), sum(len(v) for v in d.values()))'
fi

# The preload is really there: its statistics come out at exit.
if KESTREL_MALLOC=stats LD_PRELOAD=$so "$out/sort" "$out/input" 2>&1 \
	>/dev/null | grep -q '^malloc_stats: large blocks'; then
	pass
else
	fail "KESTREL_MALLOC=stats under LD_PRELOAD printed no statistics"
fi

# ---- heapviz's demo, built as in Kestrel ---------------------------------
# Slot 0 of the 48-byte slab holds malloc's own fork-handler record; the
# demo's blocks 0..7 follow, the odd ones are freed, and block 11 takes
# the lowest free slot, where block 1 was.
# shellcheck disable=SC2086
if musl-gcc -static -Os $warn -Iuser/lib -Iinclude -Iuser/lib/malloc \
	-o "$out/heapviz" user/bin/heapviz.c user/lib/ulib.c $srcs \
	2>>"$out/cc.log" && "$out/heapviz" >"$out/heapviz.log" 2>&1 &&
	sed -n '/^after 16: a 11 48$/,/^after 17/p' "$out/heapviz.log" |
	grep -q '^       0 |####\.#\.#\.\.\.*|$' &&
	grep -q '^  large block 0x[0-9a-f]*: 100 KiB$' "$out/heapviz.log"; then
	pass
else
	fail "heapviz's demo did not draw the expected heap"
fi

# ---- 3. threads, with the preloaded malloc --------------------------------
# shellcheck disable=SC2086
if $cc -O2 $warn $nobuiltin -pthread -Iinclude -Iuser/lib/malloc \
	-o "$out/t_malloc_dyn" user/tests/t_malloc.c "$so" 2>>"$out/cc.log" &&
	LD_PRELOAD=$so "$out/t_malloc_dyn" >"$out/t_malloc_dyn.log" 2>&1 &&
	grep -q '^ok threads$' "$out/t_malloc_dyn.log"; then
	pass
else
	grep FAIL "$out/t_malloc_dyn.log" 2>/dev/null
	fail "t_malloc with the preloaded malloc failed"
fi

echo "malloc: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
