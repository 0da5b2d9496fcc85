# Lab login: users and passwords as a student meets them at a console
# booted with "login" on the kernel command line (make qemu
# CMDLINE=login): init runs /bin/login, which refuses a wrong password
# without echoing it and lets the right one in; /etc/shadow is root's
# alone; su asks an ordinary user for the target's password; passwd
# changes one (the old one then fails, the new one works), root's passwd
# needs no old password; and after power-off the image is clean and
# /etc/shadow holds the new hash, as e2fsck and debugfs see it from
# outside. docs/security.md. Sourced by grade/grade.sh; helpers in
# grade/lib.sh.

for _tool in e2fsck debugfs; do
	command -v $_tool >/dev/null 2>&1 ||
		die "lab login needs $_tool (e2fsprogs): run make setup"
done

# Every prompt: "$ " for a user, "# " for root (or "$ " for everyone).
lg_prompt='[#$] $'
lg_img=$(root_copy login)
lg_old=$(debugfs -R 'cat /etc/shadow' "$lg_img" 2>/dev/null |
	sed -n 's/^student:\([^:]*\):.*/\1/p')

boot_start login serial_input disk="$lg_img" cmdline="root=vda login" \
	stall=60 timeout=400 &&
	wait_for 'login: ' 60 &&
	serial_send 'student\r' && wait_for 'Password: ' &&
	serial_send 'not-the-password\r' && wait_for 'Login incorrect' &&
	wait_for 'login: ' &&
	serial_send 'student\r' && wait_for 'Password: ' &&
	serial_send 'student\r' && wait_for -E "$lg_prompt" &&
	serial_send 'id; pwd; echo home-$HOME user-$USER\r' &&
	wait_for -E '^home-/home/student user-student$' &&
	serial_send 'cat /etc/shadow; ls -l /etc/shadow /bin/su /bin/passwd\r' &&
	wait_for -E ' /bin/passwd$' &&
	serial_send 'su -c id\r' && wait_for 'Password: ' &&
	serial_send 'wrong-root-pw\r' && wait_for 'Authentication failure' &&
	serial_send 'su -c id\r' && wait_for 'Password: ' &&
	serial_send 'root\r' && wait_for 'uid=0(root)' &&
	serial_send 'passwd\r' && wait_for 'Current password: ' &&
	serial_send 'student\r' && wait_for 'New password: ' &&
	serial_send 'n3w-secret\r' && wait_for 'Retype new password: ' &&
	serial_send 'n3w-secret\r' && wait_for 'updated successfully' &&
	serial_send 'passwd root\r' && wait_for 'may not change' &&
	serial_send 'exit\r' && wait_for 'login: ' &&
	serial_send 'student\r' && wait_for 'Password: ' &&
	serial_send 'student\r' && wait_for 'Login incorrect' &&
	wait_for 'login: ' &&
	serial_send 'student\r' && wait_for 'Password: ' &&
	serial_send 'n3w-secret\r' && wait_for -E "$lg_prompt" &&
	serial_send 'whoami; exit\r' && wait_for 'login: ' &&
	serial_send 'root\r' && wait_for 'Password: ' &&
	serial_send 'root\r' && wait_for -E "$lg_prompt" &&
	serial_send 'id; passwd student\r' && wait_for 'New password: ' &&
	serial_send 'by-root-pw\r' && wait_for 'Retype new password: ' &&
	serial_send 'by-root-pw\r' && wait_for 'updated successfully' &&
	serial_send 'poweroff\r'
boot_wait

test_start login.refused 10
expect_end poweroff
need "Login incorrect"
# echo is off at the password prompt: nothing typed there comes back
forbid "not-the-password"
forbid "wrong-root-pw"
forbid "n3w-secret"
forbid "by-root-pw"
test_end

test_start login.session 10
expect_end poweroff
need "uid=1000(student) gid=1000(student)"
need "/home/student"
need "home-/home/student user-student"
test_end

test_start login.shadow_private 10
expect_end poweroff
need "cat: /etc/shadow: Permission denied"
need_re '^-rw------- +1 root +root .* /etc/shadow$'
need_re '^-rwsr-xr-x +1 root +root .* /bin/su$'
need_re '^-rwsr-xr-x +1 root +root .* /bin/passwd$'
test_end

test_start login.su_password 10
expect_end poweroff
need "su: Authentication failure"
need "uid=0(root)"
test_end

test_start login.passwd 15
expect_end poweroff
ordered
need "passwd: password updated successfully"
need "you may not change the password of root"
need "Login incorrect"
need_re '^student$'
need "uid=0(root) gid=0(root)"
need "passwd: password updated successfully"
test_end

# From outside: the image is clean and student's hash is a new $5$ one.
test_start login.image 10
expect_end poweroff
if ! e2fsck -fn "$lg_img" >"$lg_img.fsck" 2>&1; then
	fail_because "e2fsck" "e2fsck -fn found problems:"
	note "$(grep -v '^Pass \|^e2fsck ' "$lg_img.fsck" | head -n 15)"
fi
lg_new=$(debugfs -R 'cat /etc/shadow' "$lg_img" 2>/dev/null |
	sed -n 's/^student:\([^:]*\):.*/\1/p')
case $lg_old in
'$5$'?*) ;;
*) fail_because "before" "the image's student hash was '$lg_old'" ;;
esac
case $lg_new in
'$5$'?*'$'?*) ;;
*) fail_because "hash" "student's hash after passwd is '$lg_new'" ;;
esac
[ "$lg_new" != "$lg_old" ] ||
	fail_because "unchanged" "student's hash did not change"
test_end
