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
ktest_pass net.tcp_sequence_arithmetic 5
ktest_pass net.tcp_passive_open_data_and_close 10
ktest_pass net.tcp_bad_segments 5
ktest_pass net.tcp_simultaneous_open_and_close 10
ktest_pass net.tcp_syn_retransmission_and_timeout 5
ktest_pass net.tcp_congestion_and_probes 10
ktest_pass net.tcp_window_scale 5
ktest_pass net.ip_reassembly 10
ktest_pass net.ip_fragmentation 5

# The host side of the UDP test (grade/progs/udpsend.c), and a host port
# for the forward that another grader on this machine is unlikely to use.
net_udpsend=$g_dir/udpsend
${HOSTCC:-cc} -Wall -Wextra -Werror -O2 -o "$net_udpsend" \
	grade/progs/udpsend.c || die "cannot build grade/progs/udpsend.c"
net_port=$((20000 + $$ % 20000))

# At the shell, with a card on slirp: the interfaces; pings to slirp's
# gateway (slirp answers them itself) and to lo; a UDP echo over lo; a
# datagram from the host through the forward to udpecho in the guest
# and back; and a file through an AF_UNIX socket between two nc (-U),
# with netstat -x showing the listener. Each step waits for its own
# line, never for a time.
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
	serial_send 'ping -c 2 -i 0.2 -s 4000 127.0.0.1; echo bigping-lo-done\r' &&
	wait_for -E '^bigping-lo-done' 30 &&
	serial_send 'ping -c 2 -i 0.2 -W 5 -s 4000 10.0.2.2; echo bigping-gw-done\r' &&
	wait_for -E '^bigping-gw-done' 60 &&
	serial_send 'udpecho -s 5557 -n 1 &\r' &&
	wait_for 'udpecho: listening on port 5557' 30 &&
	serial_send 'udpecho -l 30000 127.0.0.1 5557 frag; echo bigudp-lo-done\r' &&
	wait_for -E '^bigudp-lo-done' 30 &&
	serial_send 'udpecho -s 5555 -n 1; echo bigudp-host-done\r' &&
	wait_for 'udpecho: listening on port 5555' 30 &&
	"$net_udpsend" "$net_port" kestrel 10 6000 >"$g_dir/udpsend-big.out" 2>&1
wait_for -E '^bigudp-host-done' 30 &&
	serial_send 'cat /proc/net/arp /proc/net/route; wc -c < /proc/net/route; echo procnet-done\r' &&
	wait_for -E '^procnet-done' 30 &&
	serial_send 'route add -net 192.168.7.0 netmask 255.255.255.0 gw 10.0.2.2; route add -host 192.168.8.9 dev eth0; route -n; echo route-add-done\r' &&
	wait_for -E '^route-add-done' 30 &&
	serial_send 'route add -net 192.168.7.0 netmask 255.255.255.0 gw 10.0.2.2; route add -net 192.168.9.0 netmask 255.255.255.0 gw 192.168.50.1; route add -net 192.168.7.1 netmask 255.255.255.0 dev eth0; echo route-bad-done\r' &&
	wait_for -E '^route-bad-done' 30 &&
	serial_send 'route del -net 192.168.7.0 netmask 255.255.255.0; route del -host 192.168.8.9; route del -net 192.168.7.0 netmask 255.255.255.0; route | wc -l; echo route-del-done\r' &&
	wait_for -E '^route-del-done' 30 &&
	serial_send 'cat /proc/net/snmp; netstat -s; echo snmp-done\r' &&
	wait_for -E '^snmp-done' 30 &&
	# A background job keeps the terminal as its stdin under job
	# control (and Kestrel sends no SIGTTIN yet): nc -l reads stdin, so
	# give it /dev/null, as one would on Linux.
	serial_send 'nc -l -U /tmp/u.sock > /tmp/ugot < /dev/null &\r' &&
	wait_for 'nc: listening on /tmp/u.sock' 30 &&
	serial_send 'netstat -x -l; echo unixstat-done\r' &&
	wait_for -E '^unixstat-done' 30 &&
	serial_send 'nc -U /tmp/u.sock < /bin/nc; wait; sha256sum /bin/nc /tmp/ugot; echo unc-done\r' &&
	wait_for -E '^unc-done' 60 &&
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

# Datagrams bigger than the MTU: ours leave in fragments and the peer's
# come back in fragments to be reassembled: over lo (both sides ours),
# with slirp's ICMP echo, and from a host program through the forward.
test_start ip_fragments_loopback 5
ordered
need 'PING 127.0.0.1 (127.0.0.1) 4000(4028) bytes of data.'
need_re '^4008 bytes from 127\.0\.0\.1: icmp_seq=2 time=[0-9.]+ ms$'
need '2 packets transmitted, 2 received, 0% packet loss'
unordered
need_re '^udpecho: echoed 30000 bytes to 127\.0\.0\.1:[0-9]+$'
need 'reply from 127.0.0.1:5557: 30000 bytes, the same'
forbid 'wrong data in the reply'
test_end

test_start ip_fragments_gateway 5
ordered
need 'PING 10.0.2.2 (10.0.2.2) 4000(4028) bytes of data.'
need_re '^4008 bytes from 10\.0\.2\.2: icmp_seq=[12] time=[0-9.]+ ms$'
forbid 'wrong data in the reply'
test_end

test_start ip_fragments_from_host 5
need_re '^udpecho: echoed 6000 bytes to 10\.0\.2\.2:[0-9]+$'
grep -q '^udpsend: reply: 6000 bytes, the same$' "$g_dir/udpsend-big.out" \
	2>/dev/null || fail_because "no whole echo on the host" \
	"udpsend said: $(cat "$g_dir/udpsend-big.out" 2>/dev/null)"
test_end

# /proc/net/arp and /proc/net/route as Linux prints them (each route
# line padded to 127 characters: 3 lines of 128 bytes); route (ours,
# SIOCADDRT/SIOCDELRT with Linux's struct rtentry) adds a network and a
# host route, refuses a duplicate (EEXIST), a gateway off every link
# (ENETUNREACH) and a mask that cuts the address (EINVAL), removes the
# two (4 lines left: the headings and the first two routes), and says
# ESRCH for one no longer there.
test_start proc_net_arp 5
need 'IP address       HW type     Flags       HW address            Mask     Device'
need '10.0.2.2         0x1         0x2         52:55:0a:00:02:02     *        eth0'
test_end

test_start proc_net_route 5
ordered
need_re '^Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT +$'
need_re '^eth0	00000000	0202000A	0003	0	0	0	00000000	0	0	0 +$'
need_re '^eth0	0002000A	00000000	0001	0	0	0	00FFFFFF	0	0	0 +$'
need_re '^384$'
test_end

test_start route_add_del 10
ordered
need 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface'
need '0.0.0.0         10.0.2.2        0.0.0.0         UG    0      0        0 eth0'
need '10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0'
need '192.168.7.0     10.0.2.2        255.255.255.0   UG    0      0        0 eth0'
need '192.168.8.9     0.0.0.0         255.255.255.255 UH    0      0        0 eth0'
need 'route: SIOCADDRT: File exists'
need 'route: SIOCADDRT: Network unreachable'
need 'route: SIOCADDRT: Invalid argument'
need 'route: SIOCDELRT: No such process'
need_re '^route-del-done'
again_in_order
need_re '^route-bad-done'
need_re '^4$'
need_re '^route-del-done'
test_end

# /proc/net/snmp's lines as Linux 6.x names them, with what the
# fragment tests above counted; netstat -s reads it.
test_start proc_net_snmp 5
need 'Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits'
need 'Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps'
need 'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors'
need 'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors'
need 'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors'
need_re '^IcmpMsg: InType0 InType8 .*OutType0 .*OutType8'
need_re '^    ReasmOKs: [1-9][0-9]*$'
need_re '^    FragCreates: [1-9][0-9]*$'
need_re '^    InEchoReps: [1-9][0-9]*$'
test_end

test_start unix_nc 5
need_re '^unix +[0-9]+ +\[ ACC \] +STREAM +LISTENING +[0-9]+ +/tmp/u\.sock'
net_h1=$(grep -a -E '^[0-9a-f]{64}  /bin/nc' "$b_log" | cut -d' ' -f1)
net_h2=$(grep -a -E '^[0-9a-f]{64}  /tmp/ugot' "$b_log" | cut -d' ' -f1)
[ -n "$net_h1" ] && [ "$net_h1" = "$net_h2" ] ||
	fail_because "the file through nc -U differs: ${net_h2:-nothing}, not ${net_h1:-nothing}"
test_end

# DHCP from slirp's server: eth0 starts bare (net.ip=none), dhcp
# broadcasts DISCOVER and REQUEST from 0.0.0.0 and configures what the
# ACK says (address, netmask, default route); then the gateway answers
# pings.
shell_boot dhcp net cmdline="root=vda net.ip=none" timeout=120 &&
	serial_send 'route -n; echo before-done\r' &&
	wait_for -E '^before-done' 30 &&
	serial_send 'dhcp -t 20; echo dhcp-status $?\r' &&
	wait_for -E '^dhcp-status' 60 &&
	serial_send 'ifconfig eth0; route -n; ping -c 2 -i 0.2 -W 5 10.0.2.2; echo after-done\r' &&
	wait_for -E '^after-done' 60 &&
	serial_send 'poweroff\r'
boot_wait

test_start dhcp 10
ordered
need 'net: eth0 not configured (net.ip=none)'
need 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface'
need_re '^before-done'
need_re '^dhcp: eth0 10\.0\.2\.15/24 gateway 10\.0\.2\.2 dns 10\.0\.2\.3 lease [0-9]+ s$'
need 'dhcp-status 0'
need '        inet 10.0.2.15  netmask 255.255.255.0'
need '0.0.0.0         10.0.2.2        0.0.0.0         UG    0      0        0 eth0'
need '10.0.2.0        0.0.0.0         255.255.255.0   U     0      0        0 eth0'
need '2 packets transmitted, 2 received, 0% packet loss'
forbid 'KERNEL PANIC'
test_end

# TCP over lo, checked by a user test program that passes on Linux too
# (user/tests/t_tcp.c): connect and accept, a refused port (blocking and
# non-blocking), half-close, 4 MiB with their checksum, EPIPE and
# SIGPIPE, MSG_PEEK/MSG_DONTWAIT/SO_RCVTIMEO, 100 connections at once,
# SO_REUSEADDR over TIME_WAIT, the options. In the same boot, AF_UNIX
# sockets (user/tests/t_unix.c, no card needed): socketpair, names in the
# file system and the abstract namespace, stream, datagram and seqpacket,
# sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS, poll's wakeups,
# two processes trading thousands of messages. t_unix runs first: its
# check that memory comes back must not see t_tcp's TIME_WAIT
# connections being freed meanwhile.
run_usertests tcp 400 t_unix t_tcp
usertest_pass t_tcp 20
usertest_pass t_unix 20

# TCP against Linux's own TCP, through slirp: a 3 MiB file from the host
# to `nc -l` in the guest (through the forward to port 80), back to the
# host from httpd, from the guest to a host server at 10.0.2.2 with nc,
# and from a host web server to httpget; each compared by SHA-256 with
# sha256sum's. Then a closed host port refuses the guest's connect.
net_tcppeer=$g_dir/tcppeer
${HOSTCC:-cc} -Wall -Wextra -Werror -O2 -o "$net_tcppeer" \
	grade/progs/tcppeer.c || die "cannot build grade/progs/tcppeer.c"
net_file=$g_dir/tcp-3m.bin
head -c 3145728 /dev/urandom >"$net_file" || die "cannot make $net_file"
net_sha=$(sha256sum "$net_file" | cut -d' ' -f1)
rm -f "$g_dir"/tcp-*.port "$g_dir"/tcp-*.out "$g_dir"/tcp-got-*

# A host server's port, once it has written it (its own background job).
net_port_of()
{
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	cat "$1" 2>/dev/null
}

shell_boot tcphost net=$net_port timeout=400 stall=120 &&
	serial_send 'nc -l -s 80 < /dev/null > /tmp/up; echo up-done\r' &&
	wait_for 'nc: listening on port 80' 30 &&
	"$net_tcppeer" send "$net_port" "$net_file" \
		>"$g_dir/tcp-send.out" 2>&1
wait_for -E '^up-done' 120 &&
	serial_send 'httpd -n 1 -r /tmp &\r' &&
	wait_for 'httpd: serving /tmp on port 80' 30 &&
	serial_send 'netstat -l; cat /proc/net/dev; echo netstat-done\r' &&
	wait_for -E '^netstat-done' 30 &&
	"$net_tcppeer" get "$net_port" /up "$g_dir/tcp-got-httpd" \
		>"$g_dir/tcp-get.out" 2>&1
serial_send 'echo get-done\r' &&
	wait_for -E '^get-done' 30 &&
	{ "$net_tcppeer" recv "$g_dir/tcp-recv.port" "$g_dir/tcp-got-nc" \
		>"$g_dir/tcp-recv.out" 2>&1 & } &&
	net_rport=$(net_port_of "$g_dir/tcp-recv.port") &&
	serial_send "nc -s 10.0.2.2 $net_rport < /tmp/up; echo ncup-done\r" &&
	wait_for -E '^ncup-done' 120 &&
	{ "$net_tcppeer" serve "$g_dir/tcp-serve.port" "$net_file" \
		>"$g_dir/tcp-serve.out" 2>&1 & } &&
	net_sport=$(net_port_of "$g_dir/tcp-serve.port") &&
	serial_send "httpget -s -o /tmp/down http://10.0.2.2:$net_sport/f; echo get2-done\r" &&
	wait_for -E '^get2-done' 120 &&
	net_free=$("$net_tcppeer" freeport) &&
	serial_send "nc 10.0.2.2 $net_free; echo refused-done\r" &&
	wait_for -E '^refused-done' 60 &&
	serial_send 'poweroff\r'
boot_wait

# net_same_sha NAME FILE: FILE is the file sent, by sha256sum.
net_same_sha()
{
	_got=$(sha256sum "$2" 2>/dev/null | cut -d' ' -f1)
	[ "$_got" = "$net_sha" ] ||
		fail_because "$1: the host got ${_got:-nothing}, not $net_sha" \
			"$(cat "$g_dir"/tcp-*.out 2>/dev/null)"
}

test_start netstat 5
need_re '^tcp +0 +0 0\.0\.0\.0:80 +0\.0\.0\.0:\* +LISTEN$'
need_re '^ +eth0: +[1-9][0-9]* +[1-9][0-9]* +0 +'
test_end

test_start tcp_host_to_guest 10
need "nc: received 3145728 bytes sha256 $net_sha"
forbid 'KERNEL PANIC'
test_end

test_start tcp_httpd_to_host 10
need 'httpd: GET /up 200 3145728'
net_same_sha httpd "$g_dir/tcp-got-httpd"
test_end

test_start tcp_guest_to_host 10
need "nc: sent 3145728 bytes sha256 $net_sha"
net_same_sha nc "$g_dir/tcp-got-nc"
test_end

test_start tcp_httpget_from_host 10
need "httpget: 3145728 bytes sha256 $net_sha"
test_end

test_start tcp_refused 5
need 'nc: connect: Connection refused'
test_end
