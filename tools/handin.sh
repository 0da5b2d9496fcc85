#!/bin/sh
# tools/handin.sh: `make handin` in a handout. Writes
# handin-LAB.tar.gz beside the tree's Makefile: the tree as it is now
# (every file git tracks or would track; build outputs left out) under
# kestrel-LAB/, with handin.diff, the student's changes since the
# handout's first commit, committed or not. grade/batch.sh grades a
# directory of these. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
lab=$(sed -n 's/^Kestrel, lab \([^:]*\):.*/\1/p' HANDOUT 2>/dev/null)
if [ -z "$lab" ]; then
	echo "handin: no HANDOUT file here: run make handin in a handout" \
		"(make handout LAB=x writes one)" >&2
	exit 2
fi
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "handin: this handout is not a git repository any more;" \
		"make handout made it one, and handin needs its first commit" >&2
	exit 2
fi
out=handin-$lab.tar.gz
tmp=${TMPDIR:-/tmp}/kestrel-handin.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/kestrel-$lab" || exit 2
first=$(git rev-list --max-parents=0 HEAD | tail -n 1)
# Untracked files count as the student's too (git add -N shows them).
git ls-files -z -c -o --exclude-standard | grep -z -v -x -e "$out" |
	xargs -0 tar cf - | (cd "$tmp/kestrel-$lab" && tar xf -) || exit 1
diff=$tmp/kestrel-$lab/handin.diff
git diff "$first" -- . >"$diff"
git ls-files -o --exclude-standard | grep -v -x -e "$out" |
	while IFS= read -r f; do
		git diff --no-index /dev/null "$f" >>"$diff"
	done
tar czf "$out" -C "$tmp" "kestrel-$lab" || exit 1
echo "handin: $out ($(wc -l <"$diff") lines of" \
	"changes since the handout); hand this file in"
