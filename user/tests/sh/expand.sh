# Parameter expansion, arithmetic, command substitution, quoting and
# field splitting (docs/sh.md).
unset u; e=; v=value
echo "1 ${u:-default} ${e:-empty} ${v:-unused}"
echo "2 ${u-unset} [${e-unset}] ${v-x}"
echo "3 ${u:+alt} ${v:+alt} [${e:+alt}] [${e+set}]"
echo "4 ${u:=assigned} $u"
echo "5 ${#v} ${#u} ${#e}"
p=/usr/local/lib/libc.so.6
echo "6 ${p%.*} ${p%%.*} ${p#*/} ${p##*/}"
echo "7 ${p%/lib*} ${p#/usr}"
n=7
echo "8 $((n * 6)) $((n / 2)) $((n % 3)) $((1 << 4)) $((-n + 2))"
echo "9 $(( (2 + 3) * 4 )) $((n > 5 && n < 10)) $((n == 7 ? 100 : 200))"
echo "10 $((0x10 + 010)) $((n += 1)) $n $((m = 3)) $m"
echo "11 $(echo nested $(echo deeper)) `echo back quoted`"
echo "12 $(x=1; echo "quoted inside: $v $x")"
lines=$(echo a; echo b; echo; echo)
echo "13 [$lines]"
x="a   b	c"
set -- $x; echo "14 $#"
set -- "$x"; echo "15 $#"
IFS=:; y="p:q::r"; set -- $y; echo "16 $# [$1] [$2] [$3] [$4]"; unset IFS
z=""; set -- $z; echo "17 $#"
set -- "$z"; echo "18 $#"
echo '19 $v "double"' "'single' $v \$v \"q\""
echo 20 a\ b \$n "\\" 'x'"y"z
w=*; echo "21 $w"
dir=/tmp/sh-expand.$$; mkdir $dir; touch $dir/b.txt $dir/a.txt $dir/c.log
cd $dir; echo 22 *.txt; echo 23 "*.txt" '*'; echo 24 nomatch*; cd /; rm -r $dir
echo "25 $(( $(echo 3) + 4 ))"
a=1 b=2; echo "26 $a$b ${a}x"
c=$(false); echo "27 status $?"
c=$(exit 4); echo "28 status $?"
t="with spaces"; eval "echo 29 \$t"
cmd='echo 30 $v'; eval "$cmd"
echo "31 ${v%"ue"} ${v#"va"}"
echo "32 ${undefined_var}x"
echo 33 ~nothome
