# ext2 on the disk: a file written in Kestrel, then found with Linux's
# debugfs on the very disk image, block numbers and all (docs/ext2.md).
demo_title "ext2 on disk: Kestrel writes a file, Linux's debugfs reads it"
demo_boot
say "Kestrel's root is ext2 on a virtio disk. We write a file and ask" \
	"for its inode number."
step 'echo "written by Kestrel" > /tmp/demo.txt; stat /tmp/demo.txt' \
	'[Ii]node'
say "sync writes the buffer cache back; the disk image on the host now" \
	"holds the file. Linux's debugfs reads the same inode: its size," \
	"its block, and the bytes. Ask: where is the block map?"
step 'sync && echo synced' '^synced$'
host "debugfs -R 'stat /tmp/demo.txt' $g_dir/$d_name.img 2>/dev/null |
	sed -n '1,2p;/BLOCKS/,+1p'" '^Inode: '
host "debugfs -R 'cat /tmp/demo.txt' $g_dir/$d_name.img 2>/dev/null" \
	'^written by Kestrel$'
say "Now the other way: the directory as Kestrel lists it."
step 'ls -l /tmp' 'demo.txt'
demo_end
