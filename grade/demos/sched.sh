# The scheduler: nice values as shares of the CPU, seen live with
# schedviz and top (docs/sched.md).
demo_title "The scheduler: nice values, shares and starvation"
demo_boot smp=2
say "Three CPU-bound spinners: on CPU 0 one at nice -5 and one at nice 19," \
	"on CPU 1 one at nice 0. The fair class gives CPU in proportion to" \
	"weight: 3121 against 15, about 200 to 1."
step 'spin -c 0 -n -5 600 > /dev/null & spin -c 0 -n 19 600 > /dev/null & spin -c 1 600 > /dev/null & echo started' \
	'^started$'
say "schedviz samples the scheduler for 4 seconds: who ran on each CPU," \
	"the switches per second, a timeline, and who waited too long." \
	"Point at the starving line. Ask: is the nice 19 spinner starved," \
	"or getting exactly its share?"
step 'schedviz -s 4 -t 1000' '^starving: spin\([0-9]+\) runnable' 90
say "top sorts by CPU: the nice -5 spinner first, the nice 19 one last."
step 'top -n 1 -d 1 | cat' '^ +[0-9]+ R +-5 +0 ' 60
demo_end
