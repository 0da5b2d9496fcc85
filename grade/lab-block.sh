# Lab block: PCI, the block layer, the virtio-blk driver and the RAM
# disk. Sourced by grade/grade.sh; helpers in grade/lib.sh. docs/block.md
# says what each test checks.

# marked_image FILE SECTORS [EXTRA]: a disk image whose sector N starts
# with "kestrel sector N" and a newline, padded with dots to 512 bytes,
# then EXTRA more dots (a partial sector).
marked_image()
{
	awk -v n="$2" -v extra="${3:-0}" 'BEGIN {
		d = "."
		while (length(d) < 512)
			d = d d
		for (i = 0; i < n; i++) {
			s = "kestrel sector " i "\n"
			printf "%s%s\n", s, substr(d, 1, 511 - length(s))
		}
		printf "%s", substr(d, 1, extra)
	}' >"$1"
}

# The disks, made fresh in this lab's folder: vda and vdc empty (vdc is
# small, and shares vdb's interrupt line: QEMU's PC routes slots 5 and 6
# to IRQ 10), vdb marked, the scratch disk the tests write to. The RAM
# disk's module is marked too, with a partial sector the kernel leaves out.
blk_dir=$g_dir
dd if=/dev/zero of="$blk_dir/vda.img" bs=1048576 count=0 seek=64 2>/dev/null
marked_image "$blk_dir/vdb.img" 32768
dd if=/dev/zero of="$blk_dir/vdc.img" bs=1048576 count=1 2>/dev/null
cp "$blk_dir/vdb.img" "$blk_dir/vdb.orig"
marked_image "$blk_dir/ramdisk.img" 2048 100
blk_iso=$blk_dir/ramdisk.iso
sh tools/mkiso-module.sh "$BUILD" "$blk_iso" "$blk_dir/ramdisk.img" \
	ktest-image >"$blk_dir/mkiso.out" 2>&1 || blk_iso=
blk_disks="disk=$blk_dir/vda.img disk=$blk_dir/vdb.img disk=$blk_dir/vdc.img"

# PCI: one boot, with disks so there are virtio-blk devices to find.
boot pci cmdline="ktest=pci" $blk_disks
ktest_pass pci.enumerate 10
ktest_pass pci.bars 5
ktest_pass pci.map_bar 5
test_start pci.boot_log 5
need_re '^pci 00:00\.0 8086:1237 '
need_re '^pci 00:01\.1 8086:7010 .*, io 0x[0-9a-f]+/16$'
need_re '^pci 00:04\.0 1af4:1001 virtio-blk, class 01\.00\.00 rev 0, io 0x[0-9a-f]+/128, .*, mem64 0x[0-9a-f]+/16K, irq 1[01] INTA#$'
test_end

# The block suite, on the module ISO with three disks.
if [ -n "$blk_iso" ]; then
	boot block iso="$blk_iso" cmdline="ktest=block" $blk_disks
else
	boot block cmdline="ktest=block" $blk_disks
fi
for t in rw:10 concurrent:10 errors:5 stats:5 device_error:5 \
	shared_irq:5 throughput:5 flush:5 timeout:10; do
	ktest_pass "block.${t%:*}" "${t#*:}"
done
test_start block.ramdisk 10
[ -n "$blk_iso" ] || fail_because "no module ISO" \
	"tools/mkiso-module.sh failed: $(head -n 3 "$blk_dir/mkiso.out")"
need 'ktest: block.ramdisk: PASS'
need 'block: ram0: 2048 sectors (1 MiB), RAM disk'
test_end

# Every disk announced, no test that found nothing to test, no request
# that hung, and a clean end.
test_start block.announce 5
ordered
need 'block: vda: 131072 sectors (64 MiB), virtio-blk'
need 'block: vdb: 32768 sectors (16 MiB), virtio-blk'
need 'block: vdc: 2048 sectors (1 MiB), virtio-blk'
unordered
forbid 'nothing to test'
forbid 'still waiting'
forbid 'not used'
expect_exit 1
test_end

# The scratch disk as it was: the tests put back what they overwrote,
# and wrote nowhere else. vda and vdc are only read.
test_start block.disks_intact 10
if ! cmp -s "$blk_dir/vdb.img" "$blk_dir/vdb.orig"; then
	fail_because "vdb changed" \
		"$(cmp "$blk_dir/vdb.img" "$blk_dir/vdb.orig" 2>&1 | head -n 1)"
fi
for d in vda vdc; do
	if [ -n "$(tr -d '\000' <"$blk_dir/$d.img" | head -c 1)" ]; then
		fail_because "$d changed" "$d.img is no longer all zeros"
	fi
done
test_end

# Without any disk the suite still runs to the end (ktest=all does this
# in the boot lab): nothing to test is said, and nothing fails.
boot no_disk cmdline="ktest=block"
test_start block.no_disk 5
need 'block.rw: no scratch disk vdb; nothing to test'
need 'block.ramdisk: no boot module, so no RAM disk'
need_re '^ktest: [1-9][0-9]* passed, 0 failed$'
expect_exit 1
test_end
