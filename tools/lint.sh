#!/bin/sh
# tools/lint.sh: `make lint`. Checks the C sources against the project's
# .clang-format (clang-format 14, --dry-run, nothing is changed) and runs
# cppcheck over the kernel, the host mkfs and the userland. Prints what is wrong and
# exits 1 if anything is; `clang-format -i FILE` fixes the formatting of
# FILE. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
status=0
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

for tool in clang-format cppcheck; do
	command -v $tool >/dev/null 2>&1 ||
		{ echo "lint: $tool not found: run make setup" >&2; exit 2; }
done

# ---- formatting ---------------------------------------------------------
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$version" = 14 ] ||
	echo "lint: clang-format $version here; the style is checked with 14," \
		"so some lines may differ"
files=$(find kernel include tools/hosttest mkfs user -name '*.[ch]' 2>/dev/null |
	sort)
bad=
for f in $files; do
	if ! clang-format --dry-run -Werror "$f" >"$tmp" 2>&1; then
		cat "$tmp"
		bad="$bad $f"
	fi
done
if [ -n "$bad" ]; then
	echo "lint: not formatted as .clang-format says:$bad"
	echo "lint: clang-format -i FILE... fixes them"
	status=1
else
	echo "lint: clang-format: $(echo $files | wc -w) files formatted"
fi

# ---- static analysis ----------------------------------------------------
# Suppressed everywhere:
#  comparePointers: walking a linker section between its start and end
#    symbols (__ktests_start .. __ktests_end) is the idiom for tables.
#  nullPointer in *_test.c: crash tests dereference NULL on purpose.
#  missingIncludeSystem: the compiler's freestanding headers (and the C
#    library's, for mkfs).
#  In user/tests/t_malloc.c, the misuses of malloc it makes on purpose, to
#    see them reported: double frees, a free of a local, a write past the
#    end, leaks, results of malloc(SIZE_MAX) not kept.
# One-off false positives get an inline "cppcheck-suppress ID" comment.
if ! cppcheck -q --enable=warning,style,performance,portability \
	--std=c11 --platform=unix64 -D__x86_64__ \
	-DKESTREL_VERSION='"0"' -I kernel -I include --inline-suppr \
	--suppress=missingIncludeSystem --suppress=comparePointers \
	--suppress='nullPointer:*_test.c' \
	--suppress='doubleFree:user/tests/t_malloc.c' \
	--suppress='autovarInvalidDeallocation:user/tests/t_malloc.c' \
	--suppress='arrayIndexOutOfBounds:user/tests/t_malloc.c' \
	--suppress='memleak:user/tests/t_malloc.c' \
	--suppress='memleakOnRealloc:user/tests/t_malloc.c' \
	--suppress='leakReturnValNotUsed:user/tests/t_malloc.c' \
	--suppress='unusedAllocatedMemory:user/tests/t_malloc.c' \
	--suppress='unreadVariable:user/tests/t_malloc.c' \
	--suppress='unassignedVariable:user/tests/t_malloc.c' \
	--error-exitcode=1 \
	--template='{file}:{line}: {severity} ({id}): {message}' \
	kernel mkfs user >"$tmp" 2>&1; then
	cat "$tmp"
	echo "lint: cppcheck found the problems above"
	status=1
else
	echo "lint: cppcheck: kernel/, mkfs/ and user/ clean"
fi
exit $status
