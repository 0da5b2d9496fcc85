#!/bin/sh
# tools/handout.sh LAB DEST: write the student's tree for lab LAB into
# DEST (a new directory): this checkout's tracked files, with the code of
# lab LAB replaced by its stub and the markers of every lab removed.
# `make handout LAB=x [DEST=dir]` runs it; docs/teaching.md says how the
# labs are cut, and tools/handout-check.sh how CI keeps them honest.
#
# The reference marks a lab's code in place, in C and assembly files
# (*.c, *.h, *.S; nothing else is cut):
#
#	/* LAB driver: begin */
#	...the reference code...
#	#if 0 /* LAB driver: stub */
#	...what the student starts from...
#	#endif /* LAB driver: end */
#
# The begin line may be indented; the two preprocessor lines start their
# line. In the handout of lab driver the reference code and the three
# marker lines are gone and the stub stays; in every other handout (and
# the reference build) the stub is never compiled, and the handout drops
# it with the markers. A region is one lab's and regions do not nest.
#
# `tools/handout.sh --list` prints the labs that have regions. POSIX sh
# and awk.

cd "$(dirname "$0")/.." || exit 2

# The lab names that have at least one region, sorted.
handout_labs()
{
	git ls-files -z -- '*.c' '*.h' '*.S' |
		xargs -0 grep -h -o -E 'LAB [a-z0-9_-]+: begin' 2>/dev/null |
		sed 's/^LAB \(.*\): begin$/\1/' | sort -u
}

if [ "${1:-}" = --list ]; then
	handout_labs
	exit 0
fi
lab=${1:-}
dest=${2:-}
if [ -z "$lab" ] || [ -z "$dest" ]; then
	echo "usage: sh tools/handout.sh LAB DEST   (or --list)" >&2
	exit 2
fi
if ! handout_labs | grep -q -x -e "$lab"; then
	echo "handout: no lab '$lab' is marked in this tree; the labs are:" \
		$(handout_labs) >&2
	exit 2
fi
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
	echo "handout: $dest exists and is not empty" >&2
	exit 2
fi
mkdir -p "$dest" || exit 2

# The tracked files as they are in the working tree.
git ls-files -z | xargs -0 tar cf - | (cd "$dest" && tar xf -) || {
	echo "handout: copying the tree into $dest failed" >&2
	exit 1
}

# cut FILE: rewrite FILE for the lab; awk says what is wrong with a
# region (a line number and why) and exits 1.
cut_file()
{
	awk -v lab="$lab" -v file="$1" '
	function fail(why) {
		printf "handout: %s:%d: %s\n", file, NR, why > "/dev/stderr"
		bad = 1
		exit 1
	}
	function name_of(line) {
		sub(/^.*LAB /, "", line)
		sub(/: (begin|stub|end).*$/, "", line)
		return line
	}
	/^[ \t]*\/\* LAB [a-z0-9_-]+: begin \*\/$/ {
		if (state != "") fail("a begin inside the region of " region)
		region = name_of($0)
		state = "ref"
		next
	}
	/^#if 0 \/\* LAB [a-z0-9_-]+: stub \*\/$/ {
		if (state != "ref" || name_of($0) != region)
			fail("a stub line without its begin")
		state = "stub"
		next
	}
	/^#endif \/\* LAB [a-z0-9_-]+: end \*\/$/ {
		if (state != "stub" || name_of($0) != region)
			fail("an end line without its stub")
		state = ""
		next
	}
	/LAB [a-z0-9_-]+: (begin|stub|end)/ {
		fail("a marker not on a line of its own, as tools/handout.sh says")
	}
	state == "ref" && region == lab { next }
	state == "stub" && region != lab { next }
	{ print }
	END {
		if (!bad && state != "")
			printf "handout: %s: the region of %s never ends\n",
				file, region > "/dev/stderr"
		if (bad || state != "") exit 1
	}' "$dest/$1" >"$dest/$1.handout" && mv "$dest/$1.handout" "$dest/$1"
}

status=0
marked=$(git ls-files -z -- '*.c' '*.h' '*.S' |
	xargs -0 grep -l -E 'LAB [a-z0-9_-]+: (begin|stub|end)' 2>/dev/null)
for f in $marked; do
	cut_file "$f" || status=1
done
[ $status -eq 0 ] || exit 1

{
	echo "Kestrel, lab $lab: a handout made by tools/handout.sh from"
	echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
	echo "docs/labs/$lab.md is the assignment; make grade LAB=$lab tests it."
} >"$dest/HANDOUT"
echo "handout: lab $lab in $dest ($(echo "$marked" | wc -l) files with regions)"

# A repository whose first commit is the handout, so that the student's
# work is the difference from it (make handin sends that too).
if command -v git >/dev/null 2>&1; then
	(cd "$dest" && git init -q && git add -A &&
		git -c user.name=Kestrel -c user.email=handout@kestrel.invalid \
			commit -q -m "Lab $lab: the handout") ||
		echo "handout: git init in $dest failed; the tree is there" >&2
fi
