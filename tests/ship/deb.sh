#!/bin/sh
# The Debian package, as a user meets it: dpkg -i, portsnoop --version from
# /usr/sbin, the files where they belong, the unit installed but not enabled,
# `systemd-analyze verify` clean and its exposure no worse than
# docs/deploy.md says, the same with the metrics drop-in (whose argv serves
# /metrics on loopback), the logrotate file accepted, then dpkg --purge
# leaves nothing behind.
# Needs root; the machine must not have portsnoop installed already (it is
# left as it was found).
#   tests/ship/deb.sh build/deb/portsnoop_VERSION_ARCH.deb VERSION
set -eu
deb=$1 version=$2
# systemd-analyze security, in tenths: 3.1 (docs/deploy.md, "systemd");
# with the metrics drop-in, which allows IP sockets on loopback: 3.4.
EXPOSURE_MAX=31
EXPOSURE_METRICS_MAX=34
fails=0

fail() { echo "FAIL deb: $*"; fails=$((fails + 1)); }
pass() { echo "PASS deb: $*"; }

if [ "$(id -u)" != 0 ]; then
	echo "FAIL deb: needs root"; exit 1
fi
if dpkg-query -W -f='${Status}' portsnoop 2>/dev/null | grep -q installed; then
	echo "FAIL deb: portsnoop is installed on this machine already; not touching it"
	exit 1
fi

# dpkg has no lock timeout of its own: wait for another installer to finish.
dpkg_retry() {
	i=0
	while ! out=$(dpkg "$@" 2>&1); do
		echo "$out" | grep -q "lock" && [ $i -lt 120 ] || { echo "$out"; return 1; }
		i=$((i + 1))
		sleep 5
	done
}

purge() { dpkg_retry --purge portsnoop >/dev/null; }
trap purge EXIT

dpkg_retry -i "$deb" >/dev/null || { echo "FAIL deb: dpkg -i $deb"; exit 1; }
pass "dpkg -i $deb"

v=$(/usr/sbin/portsnoop --version)
[ "$v" = "portsnoop $version" ] && pass "/usr/sbin/portsnoop --version: $v" ||
	fail "/usr/sbin/portsnoop --version says '$v', not 'portsnoop $version'"

# It traces: a bind by a known pid and port, seen by the installed binary.
tmp=$(mktemp -d)
/usr/sbin/portsnoop --json --no-initial >"$tmp/out" 2>"$tmp/err" &
ps_pid=$!
i=0
while ! grep -q "portsnoop: tracing" "$tmp/err" && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
set -- $(python3 -c 'import socket,os; s=socket.socket(); s.bind(("127.0.0.1",0)); print(os.getpid(), s.getsockname()[1])')
sleep 1
kill -INT $ps_pid; wait $ps_pid || true
grep -q "\"action\":\"bind\".*\"server\":{\"ip\":\"127.0.0.1\",\"port\":$2}" "$tmp/out" &&
	grep "\"port\":$2}" "$tmp/out" | grep -q "\"process\":{\"pid\":$1," &&
	pass "/usr/sbin/portsnoop traced the bind of pid $1 on port $2" ||
	fail "/usr/sbin/portsnoop did not report pid $1's bind of port $2: $(cat "$tmp/err")"
rm -rf "$tmp"

for f in /usr/sbin/portsnoop /usr/share/man/man8/portsnoop.8.gz \
	/usr/share/portsnoop/portsnoop.schema.json /usr/share/portsnoop/portsnoop-metrics.conf \
	/lib/systemd/system/portsnoop.service \
	/etc/logrotate.d/portsnoop /usr/share/doc/portsnoop/copyright; do
	[ -f "$f" ] || fail "$f is not installed"
done
grep -qx 'ExecStart=/usr/sbin/portsnoop --json --output /var/log/portsnoop/events.json' \
	/lib/systemd/system/portsnoop.service && pass "the unit runs /usr/sbin/portsnoop" ||
	fail "the unit's ExecStart: $(grep ExecStart= /lib/systemd/system/portsnoop.service)"

enabled=$(find /etc/systemd/system -name portsnoop.service 2>/dev/null)
[ -z "$enabled" ] && pass "the unit is not enabled" || fail "the unit is enabled: $enabled"

out=$(systemd-analyze verify portsnoop.service 2>&1) && [ -z "$out" ] &&
	pass "systemd-analyze verify portsnoop.service: clean" ||
	fail "systemd-analyze verify: $out"
exposure=$(systemd-analyze security --offline=yes portsnoop.service 2>&1 |
	sed -n 's/.*Overall exposure level for portsnoop.service: \([0-9.]*\).*/\1/p')
systemd-analyze security --offline=yes --threshold=$EXPOSURE_MAX portsnoop.service \
	>/dev/null 2>&1 && pass "systemd-analyze security: exposure $exposure" ||
	fail "systemd-analyze security: exposure $exposure, more than $EXPOSURE_MAX/10"

# The metrics drop-in (docs/metrics.md), as shipped: installed where the
# unit finds it, the unit still verifies, and its sandbox allows --metrics.
dropin=/usr/share/portsnoop/portsnoop-metrics.conf
ddir=/etc/systemd/system/portsnoop.service.d
metrics_argv='/usr/sbin/portsnoop --json --output /var/log/portsnoop/events.json --metrics 127.0.0.1:9464'
if [ ! -f $dropin ]; then
	fail "$dropin is not installed"
elif [ -e $ddir ]; then
	fail "$ddir exists on this machine already; not touching it"
else
	grep -qx "ExecStart=$metrics_argv" $dropin &&
		pass "the drop-in runs /usr/sbin/portsnoop with --metrics 127.0.0.1:9464" ||
		fail "the drop-in's ExecStart: $(grep ExecStart= $dropin)"
	trap 'rm -rf $ddir; purge' EXIT
	install -D -m 0644 $dropin $ddir/metrics.conf
	out=$(systemd-analyze verify portsnoop.service 2>&1) && [ -z "$out" ] &&
		pass "systemd-analyze verify with $ddir/metrics.conf: clean" ||
		fail "systemd-analyze verify with the drop-in: $out"
	sec=$(systemd-analyze security --offline=yes portsnoop.service 2>&1)
	exposure=$(echo "$sec" |
		sed -n 's/.*Overall exposure level for portsnoop.service: \([0-9.]*\).*/\1/p')
	# The drop-in is read: IP is allowed to localhost only, not denied.
	echo "$sec" | grep -q "IPAddressDeny=.*allow list with only localhost" &&
		systemd-analyze security --offline=yes --threshold=$EXPOSURE_METRICS_MAX \
			portsnoop.service >/dev/null 2>&1 &&
		pass "systemd-analyze security with the drop-in: exposure $exposure" ||
		fail "systemd-analyze security with the drop-in: exposure $exposure (at most" \
			"$EXPOSURE_METRICS_MAX/10), IP: $(echo "$sec" | grep IPAddressDeny=)"
	# Its sandbox, as systemd would apply it (PID 1 here is not systemd, so
	# it is read, not run): the families --metrics and the gauges use, and
	# IP to loopback only, where the address given is.
	fam=$(sed -n 's/^RestrictAddressFamilies=//p' $dropin)
	for f in AF_INET AF_NETLINK; do
		case " $fam " in *" $f "*) ;; *) fail "RestrictAddressFamilies lacks $f: $fam" ;; esac
	done
	grep -qx 'IPAddressDeny=any' $dropin && grep -qx 'IPAddressAllow=localhost' $dropin &&
		pass "the drop-in allows AF_INET and AF_NETLINK, and IP to localhost only" ||
		fail "the drop-in's IPAddressDeny/IPAddressAllow: $(grep IPAddress $dropin)"
	# Then the drop-in's argv itself (its log in a folder of the test's own,
	# not the machine's /var/log): the endpoint answers on loopback.
	tmp=$(mktemp -d)
	: >"$tmp/err"
	# shellcheck disable=SC2046
	set -- $(echo "$metrics_argv" | sed "s|/var/log/portsnoop/events.json|$tmp/events.json|")
	"$@" 2>"$tmp/err" &
	ps_pid=$!
	i=0
	while ! grep -q "portsnoop: tracing" "$tmp/err" && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	body=$(python3 -c 'import urllib.request as u
print(u.urlopen("http://127.0.0.1:9464/metrics", timeout=5).read().decode())' 2>&1 || true)
	kill -TERM $ps_pid 2>/dev/null || true
	wait $ps_pid && rc=0 || rc=$?
	echo "$body" | grep -qx "portsnoop_build_info{version=\"$version\"} 1" && [ "$rc" = 0 ] &&
		pass "the drop-in's argv serves http://127.0.0.1:9464/metrics (build info $version)" ||
		fail "the drop-in's argv (exit $rc): $(cat "$tmp/err") $(echo "$body" | head -3)"
	rm -rf "$tmp" $ddir
fi

out=$(logrotate -d /etc/logrotate.d/portsnoop 2>&1) &&
	echo "$out" | grep -q "/var/log/portsnoop/events.json" &&
	pass "logrotate reads /etc/logrotate.d/portsnoop" || fail "logrotate -d: $out"

trap - EXIT
purge || fail "dpkg --purge portsnoop"
left=""
for f in /usr/sbin/portsnoop /usr/share/portsnoop /lib/systemd/system/portsnoop.service \
	/etc/logrotate.d/portsnoop /usr/share/doc/portsnoop /usr/share/man/man8/portsnoop.8.gz \
	/var/lib/systemd/deb-systemd-helper-enabled/portsnoop.service.dsh-also; do
	[ -e "$f" ] && left="$left $f"
done
status=$(dpkg-query -W -f='${Status}' portsnoop 2>/dev/null || true)
[ -z "$left" ] && ! echo "$status" | grep -q installed &&
	pass "dpkg --purge: nothing left" || fail "after dpkg --purge:$left ($status)"

echo "deb: $fails failed"
[ $fails = 0 ]
