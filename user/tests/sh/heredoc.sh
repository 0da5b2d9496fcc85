# Here-documents (docs/sh.md).
name=world
cat <<EOF
hello $name
sum $((2 + 3)) cmd $(echo sub)
escaped \$name and backslash \\ kept \n
EOF
cat <<'EOF'
quoted: $name $(echo no) `echo no`
EOF
cat <<"END"
double-quoted delimiter: $name
END
	cat <<-EOF
	tabs stripped $name
		two tabs
	EOF
cat <<A; cat <<B
first doc
A
second doc
B
f() { cat; }
f <<EOF
into a function
EOF
while read a b; do echo "$b-$a"; done <<EOF
1 one
2 two
EOF
cat <<EOF | tr a-z A-Z
piped here-document
EOF
cat <<EOF > /tmp/sh-here.$$
to a file
EOF
cat /tmp/sh-here.$$; rm -f /tmp/sh-here.$$
x=$(cat <<EOF
inside substitution
EOF
)
echo "$x"
cat <<EOF
EOF
echo empty-doc-done
