#!/bin/sh
# tools/mallocbench.sh [BUILD]: Kestrel's malloc beside musl's and glibc's
# on this host (part of make bench; docs/malloc.md keeps figures). Builds
# user/bin/mallocbench four ways, all -O2:
#   kestrel+musl  musl-gcc -static with user/lib/malloc (what /bin has)
#   musl          musl-gcc -static, musl's own malloc (mallocng)
#   kestrel+glibc cc with user/lib/malloc linked in, glibc's threads
#   glibc         cc, glibc's malloc
# and runs each MALLOCBENCH_RUNS times (default 3), printing the fastest
# run of each workload: seconds and peak RSS, and time as a multiple of
# glibc's. Compare kestrel+musl with musl, kestrel+glibc with glibc: the
# threaded workloads also measure the C library's mutexes. Never passes
# or fails on time. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
build=${1:-${BUILD:-build}}
out=$build/bench/malloc
runs=${MALLOCBENCH_RUNS:-3}
mkdir -p "$out" || exit 2
src=user/bin/mallocbench.c
flags="-O2 -Wall -Wextra -Werror -std=gnu11"
malloc_srcs=$(ls user/lib/malloc/*.c)

# shellcheck disable=SC2086 # word lists
musl-gcc -static $flags -o "$out/kestrel+musl" $src $malloc_srcs &&
	musl-gcc -static $flags -o "$out/musl" $src &&
	cc $flags -pthread -o "$out/kestrel+glibc" $src $malloc_srcs &&
	cc $flags -pthread -o "$out/glibc" $src ||
	{ echo "mallocbench: does not build"; exit 1; }

variants="kestrel+musl musl kestrel+glibc glibc"
for v in $variants; do
	: >"$out/$v.txt"
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$out/$v" >>"$out/$v.txt" 2>&1
		i=$((i + 1))
	done
done

# best VARIANT WORKLOAD: "seconds rss" of the fastest run.
best()
{
	awk -v w="$2" '$1 == w && $3 == "ops" {
		if (!n++ || $4 < s) { s = $4; r = $8 }
	} END { if (n) print s, r; else print "- -" }' "$out/$1.txt"
}

echo "malloc: mallocbench on this host, fastest of $runs runs" \
	"(seconds, peak RSS KiB, time / glibc's)"
printf '%-10s' workload
for v in $variants; do
	printf ' %24s' "$v"
done
echo
for w in small realloc larson prodcons; do
	ref=$(best glibc "$w" | cut -d' ' -f1)
	printf '%-10s' "$w"
	for v in $variants; do
		set -- $(best "$v" "$w")
		ratio=$(awk -v a="$1" -v b="$ref" \
			'BEGIN { if (a == "-" || b == "-" || b == 0) print "-";
				 else printf "%.2fx", a / b }')
		printf ' %24s' "$1s ${2}K $ratio"
	done
	echo
done
echo "goals (issue 14): faster than musl on every workload, within 1.25x" \
	"of glibc's time, peak RSS within 1.2x of the best"
