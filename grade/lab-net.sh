# Lab net: the e1000 driver, Ethernet, ARP, IPv4, ICMP, UDP and datagram
# sockets. Sourced by grade/grade.sh; helpers in grade/lib.sh;
# docs/net.md. Only loopback and QEMU's user network are used: the guest
# talks to slirp's 10.0.2.2 (slirp answers ping itself, and maps UDP to
# the host's 127.0.0.1) and nothing else; nothing leaves this machine.
# (restrict=on would be stricter, but slirp then drops the guest's UDP
# answer to the forward.)

# The stack without a card: crafted frames through lo and a test device.
boot ktests cmdline="ktest=net"
ktest_pass net.checksum 5
ktest_pass net.malformed_frames 10
ktest_pass net.arp_cache 10
ktest_pass net.routes 5

# The host side of the UDP test (grade/progs/udpsend.c), and a host port
# for the forward that another grader on this machine is unlikely to use.
net_udpsend=$g_dir/udpsend
${HOSTCC:-cc} -Wall -Wextra -Werror -O2 -o "$net_udpsend" \
	grade/progs/udpsend.c || die "cannot build grade/progs/udpsend.c"
net_port=$((20000 + $$ % 20000))

# At the shell, with a card on slirp: the interfaces; pings to slirp's
# gateway (slirp answers them itself) and to lo; a UDP echo over lo; and
# a datagram from the host through the forward to udpecho in the guest
# and back. Each step waits for its own line, never for a time.
shell_boot shell net=$net_port timeout=180 &&
	serial_send 'ifconfig; echo ifconfig-done\r' &&
	wait_for -E '^ifconfig-done' 30 &&
	serial_send 'ping -c 3 -i 0.2 -W 5 10.0.2.2; echo ping-done\r' &&
	wait_for -E '^ping-done' 60 &&
	serial_send 'ping -c 2 -i 0.2 127.0.0.1; echo lo-done\r' &&
	wait_for -E '^lo-done' 30 &&
	serial_send 'udpecho -s 5556 -n 1 &\r' &&
	wait_for 'udpecho: listening on port 5556' 30 &&
	serial_send 'udpecho 127.0.0.1 5556 hello-lo; echo udplo-done\r' &&
	wait_for -E '^udplo-done' 30 &&
	serial_send 'udpecho -s 5555 -n 1; echo udphost-done\r' &&
	wait_for 'udpecho: listening on port 5555' 30 &&
	"$net_udpsend" "$net_port" hello-kestrel 10 >"$g_dir/udpsend.out" 2>&1
wait_for -E '^udphost-done' 30 &&
	serial_send 'poweroff\r'
boot_wait

test_start ifconfig 5
ordered
need_re '^lo: flags=[0-9]+<UP,LOOPBACK,RUNNING>  mtu 1500$'
need '        inet 127.0.0.1  netmask 255.0.0.0'
need_re '^eth0: flags=[0-9]+<UP,BROADCAST,RUNNING>  mtu 1500$'
need '        inet 10.0.2.15  netmask 255.255.255.0'
need_re '^        ether 52:54:00:[0-9a-f:]+$'
forbid 'KERNEL PANIC'
test_end

test_start ping_gateway 10
ordered
need 'PING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.'
need_re '^64 bytes from 10\.0\.2\.2: icmp_seq=1 time=[0-9.]+ ms$'
need '3 packets transmitted, 3 received, 0% packet loss'
forbid 'KERNEL PANIC'
test_end

test_start ping_loopback 5
ordered
need_re '^64 bytes from 127\.0\.0\.1: icmp_seq=2 time=[0-9.]+ ms$'
need '2 packets transmitted, 2 received, 0% packet loss'
test_end

test_start udp_loopback 5
ordered
need_re '^udpecho: echoed 8 bytes to 127\.0\.0\.1:[0-9]+$'
need 'reply from 127.0.0.1:5556: hello-lo'
test_end

test_start udp_from_host 10
need_re '^udpecho: echoed 13 bytes to 10\.0\.2\.2:[0-9]+$'
grep -q '^udpsend: reply: hello-kestrel$' "$g_dir/udpsend.out" 2>/dev/null ||
	fail_because "no echo on the host" \
		"udpsend said: $(cat "$g_dir/udpsend.out" 2>/dev/null)"
test_end

# TCP over lo, checked by a user test program that passes on Linux too
# (user/tests/t_tcp.c): connect and accept, a refused port (blocking and
# non-blocking), half-close, 4 MiB with their checksum, EPIPE and
# SIGPIPE, MSG_PEEK/MSG_DONTWAIT/SO_RCVTIMEO, 100 connections at once,
# SO_REUSEADDR over TIME_WAIT, the options.
run_usertests tcp 300 t_tcp
usertest_pass t_tcp 20
