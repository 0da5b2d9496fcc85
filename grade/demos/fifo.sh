# Named pipes: two processes meet at a name in the file system
# (docs/files.md, FIFOs).
demo_title "Named pipes: two processes meet at a name"
demo_boot
say "mkfifo makes a name in ext2 whose bytes never reach the disk;" \
	"stat calls it a FIFO."
step 'mkfifo /tmp/fifo-demo; stat /tmp/fifo-demo' '[Ff][Ii][Ff][Oo]'
say "A writer in the background waits in open() until a reader comes;" \
	"cat is that reader. Ask: what would O_NONBLOCK change?"
step 'echo "through the FIFO" > /tmp/fifo-demo & cat /tmp/fifo-demo' \
	'^through the FIFO$'
demo_end
