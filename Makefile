# Kestrel: the only entry points for building, running, grading and
# benchmarking. `make help` lists the targets; docs/building.md explains them.

BUILD   ?= build
HZ      ?= 100
# HZ reaches the kernel as the hz= option; its compiled-in default is 100.
MEM     ?= 512M
SMP     ?= 1
CPU     ?= qemu64
ACCEL   ?= tcg
CMDLINE ?=
QEMUEXTRA ?=
# NET=none: no network card. PCAP=file: the card's frames, both ways, as
# a pcap file (QEMU's filter-dump; docs/net.md).
NET     ?= user
GRADE_FORMAT ?= text
PCAP    ?=

# Like xv6's TOOLPREFIX: use a cross compiler when there is one, else the
# host gcc with freestanding flags (the host gcc targets x86-64 already).
ifndef TOOLPREFIX
TOOLPREFIX := $(shell if command -v x86_64-elf-gcc >/dev/null 2>&1; \
	then echo x86_64-elf-; fi)
endif

CC      := $(TOOLPREFIX)gcc
LD      := $(TOOLPREFIX)ld
NM      := $(TOOLPREFIX)nm
OBJCOPY := $(TOOLPREFIX)objcopy
HOSTCC  ?= cc
QEMU    ?= qemu-system-x86_64

VERSION := 0.1.0

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter

# No red zone (interrupts push onto the kernel stack), no SSE/x87 (we never
# save FPU state in the kernel), frame pointers kept for backtraces.
# Frame pointers everywhere, and no shrink-wrapping or tail calls that
# would leave a caller out of a backtrace.
KCFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-omit-frame-pointer \
	-mno-omit-leaf-frame-pointer -fno-shrink-wrap \
	-fno-optimize-sibling-calls -fno-asynchronous-unwind-tables \
	-fno-common -fcf-protection=none -fno-strict-aliasing \
	-Ikernel -Iinclude -DKESTREL_VERSION='"$(VERSION)"' \
	-MMD -MP
KASFLAGS := $(filter-out -std=gnu11,$(KCFLAGS)) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T kernel/kernel.ld
# TRACE=off compiles every tracepoint out: make bench times the null
# system call on such a kernel beside this one (docs/tracing.md).
ifeq ($(TRACE),off)
KCFLAGS += -DTRACE_COMPILED_OUT
endif

KSRCS := $(sort $(wildcard kernel/*.c kernel/*/*.c kernel/*/*/*.c \
	kernel/*/*.S kernel/*/*/*.S))
KOBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KSRCS)))

KERNEL := $(BUILD)/kestrel.elf
ISO    := $(BUILD)/kestrel.iso

.PHONY: all iso qemu qemu-nox qemu-gdb gdb grade test test-repeat soak bench bench-linux handout handin demo hosttest \
	screenshot setup lint clean help
.DELETE_ON_ERROR:

all: $(ISO)
iso: $(ISO)

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @echo
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(quiet) "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.S
	@mkdir -p $(@D)
	$(quiet) "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

# The symbol table for backtraces is built from the kernel itself: link once
# with an empty table, list its functions, link again with the full table.
# The table sits after every other section, so nothing else moves; the cmp
# proves it.
$(BUILD)/ksyms0.S: tools/mksyms.sh
	@mkdir -p $(@D)
	$(Q)sh tools/mksyms.sh < /dev/null > $@

$(BUILD)/kestrel.pass1.elf: $(KOBJS) $(BUILD)/ksyms0.o kernel/kernel.ld
	$(quiet) "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms0.o

$(BUILD)/ksyms.S: $(BUILD)/kestrel.pass1.elf tools/mksyms.sh
	$(Q)$(NM) -n -S $< | sh tools/mksyms.sh > $@

$(KERNEL): $(KOBJS) $(BUILD)/ksyms.o kernel/kernel.ld
	$(quiet) "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	@$(NM) -n $(BUILD)/kestrel.pass1.elf | grep -v ' ksym\| _kernel_end' > $(BUILD)/syms1
	@$(NM) -n $@ | grep -v ' ksym\| _kernel_end' > $(BUILD)/syms2
	@cmp -s $(BUILD)/syms1 $(BUILD)/syms2 || \
		{ echo "symbol table moved kernel symbols"; rm -f $@; exit 1; }

$(BUILD)/ksyms0.o $(BUILD)/ksyms.o: %.o: %.S
	$(Q)$(CC) $(KASFLAGS) -c -o $@ $<

$(ISO): $(KERNEL) tools/grub.cfg
	@mkdir -p $(BUILD)/isodir/boot/grub
	$(quiet) "  ISO     $@"
	$(Q)cp $(KERNEL) $(BUILD)/isodir/boot/kestrel.elf
	$(Q)cp tools/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# ---- the root disk ------------------------------------------------------
# mkfs/ holds a host program that builds an ext2 image from a directory
# tree (docs/mkfs.md). The root tree is mkfs/skel plus the empty
# directories dev, proc, mnt, tmp and the ordinary user's home (owned by
# uid 1000 through mkfs -o), copied afresh with modes that do not
# depend on the checkout's umask; the image is remade whenever the tree or
# the tool changes, and only then. QEMU boots with it as the first virtio
# disk, and the kernel writes to it: to keep a changed image, copy it
# and boot the copy with FSIMG=path, which make never rebuilds.
MKFS      := $(BUILD)/mkfs
ROOTFS    := $(BUILD)/rootfs
ROOTIMG   := $(BUILD)/root.img
FSIMG     ?= $(ROOTIMG)
# 64 MiB of 4 KiB blocks in 4 groups of 16 MiB: superblock copies in
# groups 0, 1 and 3, so the kernel meets several groups from the start.
ROOTMKFS  := -s 64M -b 4096 -I 256 -g 4096 -L kestrel-root
MKFS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ikernel
MKFS_SRCS := $(sort $(wildcard mkfs/*.c))
# Every file and directory of the tree (names without spaces): a file
# added or removed changes its directory.
ROOT_SKEL := $(shell find mkfs/skel 2>/dev/null)

all: $(ROOTIMG)

$(MKFS): $(MKFS_SRCS) $(wildcard mkfs/*.h) kernel/fs/ext2/ext2_fs.h
	@mkdir -p $(@D)
	$(quiet) "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(MKFS_CFLAGS) -o $@ $(MKFS_SRCS)

$(ROOTFS).stamp: $(ROOT_SKEL)
	$(quiet) "  ROOTFS  $(ROOTFS)"
	$(Q)rm -rf $(ROOTFS) && mkdir -p $(ROOTFS)
	$(Q)cp -R mkfs/skel/. $(ROOTFS)/
	$(Q)mkdir -p $(ROOTFS)/bin && cp $(UPROGS) $(ROOTFS)/bin/
	$(Q)mkdir -p $(ROOTFS)/dev $(ROOTFS)/proc $(ROOTFS)/mnt $(ROOTFS)/tmp \
		$(ROOTFS)/home/student
	$(Q)chmod -R u=rwX,go=rX $(ROOTFS) && chmod 1777 $(ROOTFS)/tmp && \
		chmod 700 $(ROOTFS)/home/student && \
		chmod 600 $(ROOTFS)/etc/shadow && \
		chmod 4755 $(ROOTFS)/bin/su $(ROOTFS)/bin/passwd
	@touch $@

$(ROOTIMG): $(MKFS) $(ROOTFS).stamp
	$(quiet) "  MKFS    $@"
	$(Q)$(MKFS) $(ROOTMKFS) -o home/student:1000:1000 -d $(ROOTFS) $@

# The qemu targets boot FSIMG: the root image, built as needed, or an
# image of your own, used as it is.
qemu qemu-nox qemu-gdb: $(FSIMG)
ifneq ($(FSIMG),$(ROOTIMG))
$(FSIMG):
	@echo "make: FSIMG=$(FSIMG): no such disk image" >&2; exit 1
endif

# ---- malloc -------------------------------------------------------------
# user/lib/malloc: Kestrel's own malloc (docs/malloc.md). Built once, with
# musl-gcc, and linked as objects (not an archive, so that every one of
# them is in, and musl's malloc never is) into every program below: the
# user tests, the programs in /bin, the shell and sysfuzz.
MALLOC_SRCS := $(sort $(wildcard user/lib/malloc/*.c))
MALLOC_HDRS := $(wildcard user/lib/malloc/*.h)
MALLOC_OBJS := $(patsubst %.c,$(BUILD)/%.musl.o,$(MALLOC_SRCS))
MALLOC_CFLAGS := -O2 -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -std=gnu11

$(BUILD)/user/lib/malloc/%.musl.o: user/lib/malloc/%.c $(MALLOC_HDRS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)musl-gcc $(MALLOC_CFLAGS) -c -o $@ $<

# ---- user test programs -------------------------------------------------
# user/tests: one static musl program per area of the user ABI, plus
# run-all, which runs them (docs/usertests.md). They are built into
# $(BUILD)/user/tests and installed in the root tree under /tests;
# `make usertests` builds them alone, and tools/hosttest/usertests.sh
# runs them on the host, the reference.
# include/kestrel: the kernel's interface headers (<kestrel/ring.h>).
UAPI_HDRS := $(wildcard include/kestrel/*.h)
UT_CC     := musl-gcc
UT_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 -Iinclude \
	-Iuser/lib/malloc
UT_SRCS   := $(sort $(wildcard user/tests/*.c))
UT_BINS   := $(patsubst user/tests/%.c,$(BUILD)/user/tests/%,$(UT_SRCS))

.PHONY: usertests
usertests: $(UT_BINS)

$(BUILD)/user/tests/%: user/tests/%.c user/tests/t.h $(UAPI_HDRS) \
		$(MALLOC_OBJS) $(MALLOC_HDRS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)$(UT_CC) $(UT_CFLAGS) -o $@ $< $(UTHREAD_LINK) $(MALLOC_OBJS)

# t_malloc misuses malloc on purpose: the compiler must call it as written,
# not drop a malloc whose block is only freed, nor a store into it.
MALLOC_TEST_CFLAGS := -fno-builtin-malloc -fno-builtin-free \
	-fno-builtin-calloc -fno-builtin-realloc
$(BUILD)/user/tests/t_malloc: UT_CFLAGS += $(MALLOC_TEST_CFLAGS)

$(BUILD)/usertests.stamp: $(UT_BINS) $(ROOTFS).stamp
	$(Q)mkdir -p $(ROOTFS)/tests
	$(Q)install -m 755 $(UT_BINS) $(ROOTFS)/tests/
	@touch $@

$(ROOTIMG): $(BUILD)/usertests.stamp

# user/tests/sh: shell scripts whose output Kestrel's sh must give as
# dash does (lab sh, tools/hosttest/sh.sh); installed under /tests/sh.
SH_TESTS := $(sort $(wildcard user/tests/sh/*.sh))

$(BUILD)/shtests.stamp: $(SH_TESTS) $(ROOTFS).stamp
	$(Q)mkdir -p $(ROOTFS)/tests/sh
	$(Q)install -m 644 $(SH_TESTS) $(ROOTFS)/tests/sh/
	@touch $@

$(ROOTIMG): $(BUILD)/shtests.stamp
# ---- end of user test programs ------------------------------------------

# ---- the userland (docs/userland.md) -----------------------------------
# Every program is a static musl binary, the same file that runs on Linux:
# user/bin/NAME.c is one program, user/sh/ is the shell, and each links
# user/lib/. They go into the root tree's /bin (the rootfs rule above).
UCC      := musl-gcc
UCFLAGS  := -static -Os -Wall -Wextra -Werror -std=gnu11 -Iuser/lib -Iinclude \
	-Iuser/lib/malloc
ULIB     := $(sort $(wildcard user/lib/*.c))
UHDRS    := $(wildcard user/lib/*.h) $(UAPI_HDRS)
SH_SRCS  := $(sort $(wildcard user/sh/*.c))
FUZZ_SRCS := $(sort $(wildcard user/bin/sysfuzz/*.c))
STRACE_SRCS := $(sort $(wildcard user/bin/strace/*.c))
UPROGS   := $(patsubst user/bin/%.c,$(BUILD)/user/bin/%, \
	$(sort $(wildcard user/bin/*.c))) $(BUILD)/user/bin/sh \
	$(BUILD)/user/bin/sysfuzz $(BUILD)/user/bin/strace

.PHONY: user
user: $(UPROGS)
all: user
$(ROOTFS).stamp: $(UPROGS)

$(BUILD)/user/bin/%: user/bin/%.c $(ULIB) $(UHDRS) $(MALLOC_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)$(UCC) $(UCFLAGS) -o $@ $< $(ULIB) $(UTHREAD_LINK) $(AUTH_LINK) \
		$(MALLOC_OBJS)

# The green-thread library (user/lib/uthread, docs/uthread.md) is linked
# only into the programs that use it: those named here.
UTHREAD_DIR  := user/lib/uthread
UTHREAD_SRCS := $(sort $(wildcard $(UTHREAD_DIR)/*.c $(UTHREAD_DIR)/*.S))
UTHREAD_HDRS := $(wildcard $(UTHREAD_DIR)/*.h)
UTHREAD_BINS := $(patsubst %,$(BUILD)/user/bin/%,primes uthreads ringpc \
	pipeserv uthreadbench httpd) $(BUILD)/user/tests/t_uthread
$(UTHREAD_BINS): $(UTHREAD_SRCS) $(UTHREAD_HDRS)
$(UTHREAD_BINS): UTHREAD_LINK = -I$(UTHREAD_DIR) $(UTHREAD_SRCS)

# Passwords (user/lib/auth, docs/security.md): only the programs that
# log users in link it.
AUTH_DIR  := user/lib/auth
AUTH_SRCS := $(sort $(wildcard $(AUTH_DIR)/*.c))
AUTH_BINS := $(patsubst %,$(BUILD)/user/bin/%,login su passwd)
$(AUTH_BINS): $(AUTH_SRCS) $(AUTH_DIR)/auth.h
$(AUTH_BINS): AUTH_LINK = -I$(AUTH_DIR) $(AUTH_SRCS)

$(BUILD)/user/bin/sh: $(SH_SRCS) $(wildcard user/sh/*.h) $(ULIB) $(UHDRS) \
		$(MALLOC_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)$(UCC) $(UCFLAGS) -o $@ $(SH_SRCS) $(ULIB) $(MALLOC_OBJS)

# The system-call fuzzer is a folder of its own (docs/testing.md).
$(BUILD)/user/bin/sysfuzz: $(FUZZ_SRCS) user/bin/sysfuzz/sysfuzz.h $(UHDRS) \
		$(MALLOC_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)$(UCC) $(UCFLAGS) -o $@ $(FUZZ_SRCS) $(MALLOC_OBJS)

# strace is a folder of its own too (docs/userland.md).
$(BUILD)/user/bin/strace: $(STRACE_SRCS) user/bin/strace/strace.h $(UHDRS) \
		$(MALLOC_OBJS)
	@mkdir -p $(@D)
	$(quiet) "  MUSLCC  $@"
	$(Q)$(UCC) $(UCFLAGS) -o $@ $(STRACE_SRCS) $(MALLOC_OBJS)

# ---- running ------------------------------------------------------------
# The kernel command line is GRUB's plus CMDLINE, which QEMU hands over in
# the fw_cfg file opt/kestrel/cmdline, so it changes without a new ISO.
QEMUOPTS = -machine pc -cpu $(CPU) -m $(MEM) -smp $(SMP) -accel $(ACCEL) \
	-no-reboot -cdrom $(ISO) -boot d \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-fw_cfg name=opt/kestrel/cmdline,string="hz=$(HZ) $(CMDLINE)" \
	-drive file=$(FSIMG),format=raw,if=none,id=root \
	-device virtio-blk-pci,drive=root \
	$(NETOPTS) $(QEMUEXTRA)

# QEMU's user network (slirp, 10.0.2.0/24; the guest is 10.0.2.15, the
# gateway 10.0.2.2): host 127.0.0.1:5555/udp reaches guest port 5555,
# and 127.0.0.1:5580/tcp guest port 80 (for TCP, to come).
ifeq ($(NET),none)
NETOPTS = -nic none
else
NETOPTS = -netdev user,id=net0,hostfwd=udp:127.0.0.1:5555-:5555,hostfwd=tcp:127.0.0.1:5580-:80 \
	-device e1000,netdev=net0
# (Not inside $(if ...): its commas would split the option.)
ifneq ($(PCAP),)
NETOPTS += -object filter-dump,id=dump0,netdev=net0,file=$(PCAP)
endif
endif

GDBPORT := $(shell expr `id -u` % 5000 + 25000)

# QEMU's isa-debug-exit makes QEMU exit with 2*status+1; a kernel that
# powers off cleanly (status 0) makes it exit 1. Both targets end there.
# A window needs a display and QEMU's GTK (or SDL) module;
# tools/qemu-display.sh picks the window or, without one (ssh, CI), the
# serial console only as make qemu-nox, and says which.
qemu: setup $(ISO)
	$(QEMU) $(QEMUOPTS) $$(sh tools/qemu-display.sh $(QEMU)) \
		-serial mon:stdio; s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ]

qemu-nox: setup $(ISO)
	$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio; \
		s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ]

.gdbinit: tools/gdbinit.tmpl
	sed -e "s/@PORT@/$(GDBPORT)/" -e "s|@KERNEL@|$(KERNEL)|" $< > $@

qemu-gdb: setup $(ISO) .gdbinit
	@echo "*** Now run 'make gdb' in another terminal (port $(GDBPORT))."
	$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio -S \
		-gdb tcp::$(GDBPORT)

gdb: .gdbinit
	gdb -q -iex "set auto-load local-gdbinit off" -x .gdbinit

# ---- testing ------------------------------------------------------------
setup:
	@sh tools/setup.sh

hosttest: setup
	@sh tools/hosttest.sh $(BUILD)

# The labs use both the ISO and the root image (a copy of it).
grade: setup all
	@BUILD=$(BUILD) GRADE_FORMAT=$(GRADE_FORMAT) sh grade/grade.sh $(LAB)

test: setup
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tools/test.sh

# The fuzzer's long run (docs/testing.md): SECONDS of sysfuzz with SEED
# on SMP CPUs, then the fuzz lab's checks.
SECONDS ?= 600
SEED ?= 1
soak: setup all
	@BUILD=$(BUILD) SECONDS=$(SECONDS) SEED=$(SEED) SMP=$(SMP) \
		sh tools/soak.sh

# The repeatability check: make test RUNS times beside a CPU-heavy job.
RUNS ?= 5
test-repeat: setup
	@BUILD=$(BUILD) sh tools/repeat-test.sh $(RUNS)

bench: setup all
	@BUILD=$(BUILD) sh tools/bench.sh

# Only the table of Kestrel beside Debian's Linux (part of make bench).
bench-linux: setup all
	@BUILD=$(BUILD) sh tools/linux-bench.sh

# The course (docs/teaching.md): a student's tree for one lab, and the
# tarball a student hands in from it.
DEST ?= $(BUILD)/handout-$(LAB)
handout:
	@[ -n "$(LAB)" ] || { echo "make handout LAB=name [DEST=dir]; labs:" \
		$$(sh tools/handout.sh --list); exit 2; }
	@sh tools/handout.sh $(LAB) $(DEST)

handin:
	@sh tools/handin.sh

# The classroom demos (docs/demos.md): the list, or one of them.
demo: setup all
	@BUILD=$(BUILD) sh tools/demo.sh $(NAME)

screenshot: setup $(ISO)
	@BUILD=$(BUILD) sh tools/screenshot.sh docs/images/console.png

lint:
	@sh tools/lint.sh

clean:
	rm -rf $(BUILD) .gdbinit

help:
	@echo "make            build $(ISO)"
	@echo "                and the root disk $(ROOTIMG) (docs/mkfs.md)"
	@echo "make qemu       boot it in a window (serial on this terminal)"
	@echo "make qemu-nox   boot it with serial only"
	@echo "make qemu-gdb   boot halted, waiting for 'make gdb'"
	@echo "make test       host tests + every graded lab"
	@echo "make test-repeat RUNS=5   make test RUNS times beside a CPU hog"
	@echo "make grade LAB=name   one lab (boot, mm, trap)"
	@echo "make soak SECONDS=600 SEED=1 SMP=1   sysfuzz for that long"
	@echo "make handout LAB=name [DEST=dir]   a student's tree for one lab"
	@echo "make handin     in a handout: the tarball to hand in"
	@echo "make demo [NAME=x]   the classroom demos, or one of them"
	@echo "make bench      boot-time, userland and malloc figures"
	@echo "make bench-linux  ubench and uthreadbench in Kestrel beside Linux"
	@echo "make screenshot docs/images/console.png from a real boot"
	@echo "variables: CMDLINE= MEM= SMP= CPU= HZ= ACCEL= QEMUEXTRA= BUILD="
	@echo "           NET=none (no network card) PCAP=file (its frames)"
	@echo "           FSIMG=path (boot that disk image, kept as it is)"

-include $(KOBJS:.o=.d)
