#!/usr/bin/env bash
# capture.sh — produce REAL kernel firewall LOG lines from real traffic, in
# every line form a real Linux system writes them, for ifw's parser tests.
#
# Usage (as root):
#     test/capture/capture.sh OUTDIR
#     CAPTURE_QUICK=1 test/capture/capture.sh OUTDIR     # small subset, < 30 s (CI)
#     CAPTURE_KEEP=1 ...                                  # keep the work dir (debug)
#
# To regenerate the committed captures:
#     sudo test/capture/capture.sh sources/logline/testdata/captures
#
# Needs: iptables, ip6tables (any backend), nft, nmap, iproute2 (ip), rsyslogd
# (imklog), nc (netcat-openbsd), util-linux dmesg, coreutils, awk; optional:
# systemd-journald + journalctl, unshare/nsenter/setpriv, ping.
#
# What it builds (everything named with a per-run 4-hex-digit token TOK):
#   netns ifw-TOK-a  attacker  iaTOK  198.51.100.2/24  2001:db8:1::2/64
#   netns ifw-TOK-r  router    raTOK  198.51.100.1/24  2001:db8:1::1/64
#                              rvTOK  203.0.113.1/24   2001:db8:2::1/64
#   netns ifw-TOK-v  victim    ivTOK  203.0.113.2/24   2001:db8:2::2/64
# Only these documentation ranges are used; there is no default route, so no
# packet can leave the namespaces. IPv6 link-local addresses are disabled
# (addr_gen_mode=1) so only 2001:db8:: addresses appear (the router gets
# static IPv6 neighbour entries instead). The host's own
# firewall, sets and sysctls are never touched, except
# net.netfilter.nf_log_all_netns which must be 1 for LOG to work inside a
# namespace: it is set to 1 and restored to its previous value on exit.
# ICMP rate limiting is switched off inside the victim namespace only.
#
# Log rules (prefixes are exactly those of the real tools; the token is NOT in
# the prefixes, lines of this run are selected by interface name instead):
#   victim INPUT (iptables/ip6tables, --log-ip-options --log-tcp-options
#   --log-tcp-sequence --log-uid):
#     tcp 80 (open)        "[UFW ALLOW] "                 then ACCEPT
#     v4 tcp 1-20          (no prefix)                    DROP
#     tcp 21-40 (v6 1-40)  "[UFW BLOCK] "                 DROP
#     tcp 41-60            "Shorewall:net2fw:DROP:" (level info, glued to IN=) DROP
#     tcp 61-79            "filter_IN_public_REJECT: "    REJECT tcp-reset
#     v4 tcp 81-100        "ifw-drop "                    DROP
#     v6 tcp 81-100        (no prefix)                    DROP
#     tcp 101-120          nftables: "nft-drop: " (v6 with flags all) drop
#     v6 fragments         nftables: "nft-drop: " flags all, drop (IPv4 is
#                          reassembled before INPUT, IPv6 is not)
#     v4 udp 1-40          "[UFW BLOCK] "                 DROP
#     v4 udp 41-60 / v6 udp 1-60  (no prefix)             DROP
#     udp 61-100           "filter_IN_public_REJECT: "    REJECT port-unreachable
#     v4 udp 101-120       "Shorewall:net2fw:DROP:"       DROP
#     v6 udp 101-120       "ifw-drop "                    DROP
#     icmp/icmpv6 echo     "ifw-drop "                    DROP
#     v4 other protocols   "filter_IN_public_REJECT: "    REJECT proto-unreachable
#   victim OUTPUT: ICMP/ICMPv6 destination-unreachable it sends, and tcp sport 80
#                  (with UID/GID): "ifw-out "  (OUT= only lines)
#   attacker INPUT: ICMP/ICMPv6 destination-unreachable it receives:
#                  "[UFW AUDIT] "  (lines with the embedded [SRC=... ] packet)
#   router FORWARD: tcp/udp dport 1-10, fragments, ICMP echo, v4 and v6:
#                  "FWD "  (IN= and OUT= both set)
#
# Traffic (attacker -> victim, real): nmap -sS -sT -sF -sN -sX -sA -sM -sU -sO,
# -sn -PE (also to an absent host: ICMP host unreachable), -6 -sS, -6 -sU,
# -sS -f (8-byte fragments), -sS --ip-options R, 3000-byte UDP datagrams (v4
# and v6 fragments), plus nc connections (some succeed: the victim
# listens on tcp 22 and 80), a UDP datagram to a REJECTed port (ICMP port
# unreachable), nmap -6 -sn -PE, and ping / ping -6 when ping is installed.
# CAPTURE_QUICK=1 runs -sS -sF -sN -sX -sA -sM -sU -sn -PE, -6 -sS, -f and the
# nc/ping part.
#
# Capture, running continuously while traffic runs (the kernel ring buffer is
# small): /dev/kmsg (dd, continues after EPIPE overruns), `dmesg -W`,
# `dmesg -W --time-format iso`, a real rsyslogd (own config via -f, own pid
# file via -i, only imklog, no /dev/log socket) writing kern.* with
# RSYSLOG_TraditionalFileFormat and RSYSLOG_FileFormat, and a real, private
# systemd-journald (own mount namespace with tmpfs on /run and /var/log, so
# the host's journal and sockets are untouched; audit capabilities dropped)
# that reads /dev/kmsg like the system one; `journalctl -k` is run inside that
# mount namespace.
#
# Output files in OUTDIR (only lines of this run, i.e. whose IN=/OUT= is one
# of the run's interfaces; the kernel text is never modified):
#   kmsg.log                   VERBATIM  /dev/kmsg records "pri,seq,usec,flags;MSG"
#                                        (continuation lines " KEY=val" dropped)
#   dmesg.log                  VERBATIM  dmesg -W            "[  463.251762] MSG"
#   dmesg-iso.log              VERBATIM  dmesg -W --time-format iso
#                                        "2026-11-21T23:38:32,634497+00:00 MSG"
#   syslog-bsd.log             VERBATIM  rsyslogd RSYSLOG_TraditionalFileFormat
#                              "Nov 21 23:38:32 HOST kernel: [  517.634497] MSG"
#                              (imklog keeps the kernel's [uptime] by default)
#   syslog-rfc3339.log         VERBATIM  rsyslogd RSYSLOG_FileFormat
#                              "2026-11-21T23:38:32.810091+00:00 HOST kernel: [  517.634497] MSG"
#   journal-short.log          VERBATIM  journalctl -k -o short
#                              "Nov 21 23:38:32 HOST kernel: MSG"
#   journal-short-iso.log      VERBATIM  journalctl -k -o short-iso
#                              "2026-11-21T23:38:32+0000 HOST kernel: MSG" (systemd 252;
#                              newer systemd prints +00:00)
#   journal-short-precise.log  VERBATIM  journalctl -k -o short-precise
#                              "Nov 21 23:38:32.815389 HOST kernel: MSG"
#   MANIFEST                   tool versions, how each file was made, line counts,
#                              lines per phase, per prefix, per kind
# Fallbacks, each written in MANIFEST: if rsyslogd/imklog captures nothing
# (e.g. no /proc/kmsg, or another klogd reading it: /proc/kmsg is a consuming
# read), the syslog forms are RE-RENDERED from the kmsg records; if journald
# cannot run (no systemd-journald, unshare, nsenter or setpriv, or
# CAPTURE_JOURNALD=0), the journal forms are RE-RENDERED from the kmsg records
# with systemd 252's formats. Re-rendered time = boot time (wall clock minus
# /proc/uptime) + the record's timestamp; the real tools stamp a record with
# the time they read it, a few milliseconds later.

set -euo pipefail
export LC_ALL=C

die() { echo "capture.sh: $*" >&2; exit 1; }
log() { echo "capture.sh: $*" >&2; }

[[ $# -eq 1 ]] || die "usage: $0 OUTDIR   (env CAPTURE_QUICK=1 for a small run)"
OUTDIR=$1
[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces, iptables, /dev/kmsg)"

missing=()
for c in iptables ip6tables nft nmap ip rsyslogd nc dmesg dd awk stdbuf timeout sysctl od; do
    command -v "$c" >/dev/null 2>&1 || missing+=("$c")
done
if ((${#missing[@]})); then
    die "missing commands: ${missing[*]} (Debian: apt-get install -y iptables nmap nftables rsyslog netcat-openbsd iproute2)"
fi
[[ -r /proc/sys/net/netfilter/nf_log_all_netns ]] ||
    die "net.netfilter.nf_log_all_netns not available (kernel without nf_log?)"
[[ -r /dev/kmsg ]] || die "/dev/kmsg not readable"

QUICK=${CAPTURE_QUICK:-0}
[[ $QUICK == 1 ]] || QUICK=0

# ---- per-run names ---------------------------------------------------------
TOK=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
NS_A=ifw-$TOK-a NS_R=ifw-$TOK-r NS_V=ifw-$TOK-v
IF_A=ia$TOK IF_RA=ra$TOK IF_RV=rv$TOK IF_V=iv$TOK
A4=198.51.100.2 R4A=198.51.100.1 R4V=203.0.113.1 V4=203.0.113.2
A6=2001:db8:1::2 R6A=2001:db8:1::1 R6V=2001:db8:2::1 V6=2001:db8:2::2

WORK=$(mktemp -d "/tmp/ifw-capture-$TOK.XXXXXX")
PIDS=()          # background processes started by this script and not yet reaped
READER_PIDS=()   # capture readers (stopped after traffic)
OLD_LOGALL=
CREATED_NS=()

ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
# stop (if asked), reap and forget one of our background processes, so that
# cleanup never signals a PID that may have been reused
reap() { # [-k] PID
    local k=0; [[ $1 == -k ]] && k=1 && shift
    if ((k)); then kill "$1" 2>/dev/null || true; fi
    local st=0; wait "$1" 2>/dev/null || st=$?
    local keep=() q
    for q in "${PIDS[@]}"; do [[ $q == "$1" ]] || keep+=("$q"); done
    PIDS=("${keep[@]}")
    return "$st"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    local n
    for n in "${CREATED_NS[@]}"; do
        # anything still running inside our own namespaces was started by us
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$n" 2>/dev/null
    done
    if [[ -n $OLD_LOGALL ]]; then
        echo "$OLD_LOGALL" >/proc/sys/net/netfilter/nf_log_all_netns
    fi
    if [[ ${CAPTURE_KEEP:-0} == 1 ]]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

T0=$SECONDS
log "token $TOK, work dir $WORK, quick=$QUICK"

# ---- capture readers (started first, run during everything) ----------------
# /dev/kmsg: one record per read(); dd conv=noerror keeps reading after EPIPE
# (records overwritten before we read them), each overrun is one error line.
dd if=/dev/kmsg of="$WORK/kmsg.raw" bs=65536 conv=noerror 2>"$WORK/kmsg.err" &
PIDS+=($!) READER_PIDS+=($!)
stdbuf -oL dmesg -W >"$WORK/dmesg.raw" 2>"$WORK/dmesg.err" &
PIDS+=($!) READER_PIDS+=($!)
stdbuf -oL dmesg -W --time-format iso >"$WORK/dmesg-iso.raw" 2>"$WORK/dmesg-iso.err" &
PIDS+=($!) READER_PIDS+=($!)

# rsyslogd with its own config and pid file; only imklog (no /dev/log socket).
RSYSLOG_OK=1
mkdir -p "$WORK/rsyslog"
cat >"$WORK/rsyslog.conf" <<EOF
global(workDirectory="$WORK/rsyslog")
module(load="imklog")
kern.* action(type="omfile" file="$WORK/syslog-bsd.raw" template="RSYSLOG_TraditionalFileFormat")
kern.* action(type="omfile" file="$WORK/syslog-rfc3339.raw" template="RSYSLOG_FileFormat")
EOF
if rsyslogd -N1 -f "$WORK/rsyslog.conf" >"$WORK/rsyslog-check.log" 2>&1; then
    rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" >"$WORK/rsyslog.out" 2>&1 &
    PIDS+=($!) READER_PIDS+=($!)
else
    RSYSLOG_OK=0
    log "rsyslogd config check failed (see below); syslog forms will be re-rendered from kmsg"
    cat "$WORK/rsyslog-check.log" >&2
fi

# A private systemd-journald for the journalctl forms: own mount namespace
# (tmpfs on /run and /var/log, so no host journal or socket is touched),
# without the audit capabilities (so it cannot change the kernel's audit
# state), its own messages to a work file. It reads /dev/kmsg like the
# system's journald does. Without it the journal forms are re-rendered.
JOURNALD_PID=
start_journald() {
    local jd= c
    for c in /usr/lib/systemd/systemd-journald /lib/systemd/systemd-journald; do
        [[ -x $c ]] && jd=$c && break
    done
    [[ -n $jd && -s /etc/machine-id ]] || return 1
    for c in unshare nsenter setpriv journalctl; do command -v "$c" >/dev/null || return 1; done
    SYSTEMD_LOG_TARGET=console unshare --mount --propagation private sh -c '
        mount -t tmpfs ifw-capture /run && mount -t tmpfs ifw-capture /var/log &&
        exec setpriv --bounding-set -audit_control,-audit_read,-audit_write "$0"' "$jd" \
        >"$WORK/journald.out" 2>&1 &
    JOURNALD_PID=$!
    PIDS+=($!)
}
if [[ ${CAPTURE_JOURNALD:-1} == 1 ]]; then
    start_journald || log "systemd-journald/unshare/nsenter/setpriv not available: journal forms will be re-rendered"
fi

# Boot time in wall-clock microseconds, for re-rendered forms.
read -r UP _ </proc/uptime
NOW_NS=$(date +%s%N)
BOOT_US=$((NOW_NS / 1000 - ${UP%.*} * 1000000 - 10#${UP#*.} * 10000))

# ---- namespaces, addresses, routes -----------------------------------------
OLD_LOGALL=$(cat /proc/sys/net/netfilter/nf_log_all_netns)
echo 1 >/proc/sys/net/netfilter/nf_log_all_netns

for n in "$NS_A" "$NS_R" "$NS_V"; do
    ip netns add "$n"
    CREATED_NS+=("$n")
    ns "$n" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 net.ipv6.conf.all.addr_gen_mode=1
    ns "$n" sysctl -qw net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.accept_dad=0
    ns "$n" ip link set lo up
done
ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_RA" netns "$NS_R"
ip link add "$IF_V" netns "$NS_V" type veth peer name "$IF_RV" netns "$NS_R"

ns "$NS_A" ip addr add "$A4/24" dev "$IF_A"
ns "$NS_A" ip -6 addr add "$A6/64" dev "$IF_A" nodad
ns "$NS_R" ip addr add "$R4A/24" dev "$IF_RA"
ns "$NS_R" ip -6 addr add "$R6A/64" dev "$IF_RA" nodad
ns "$NS_R" ip addr add "$R4V/24" dev "$IF_RV"
ns "$NS_R" ip -6 addr add "$R6V/64" dev "$IF_RV" nodad
ns "$NS_V" ip addr add "$V4/24" dev "$IF_V"
ns "$NS_V" ip -6 addr add "$V6/64" dev "$IF_V" nodad
ns "$NS_A" ip link set "$IF_A" up
ns "$NS_R" ip link set "$IF_RA" up
ns "$NS_R" ip link set "$IF_RV" up
ns "$NS_V" ip link set "$IF_V" up
# only the other documentation network, never a default route
ns "$NS_A" ip route add 203.0.113.0/24 via "$R4A"
ns "$NS_A" ip -6 route add 2001:db8:2::/64 via "$R6A"
ns "$NS_V" ip route add 198.51.100.0/24 via "$R4V"
ns "$NS_V" ip -6 route add 2001:db8:1::/64 via "$R6V"
ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Without link-local addresses the router cannot solicit a neighbour for a
# packet it forwards (the NS needs a local source): give it static entries.
mac() { ns "$1" cat "/sys/class/net/$2/address"; }
ns "$NS_R" ip -6 neigh replace "$A6" lladdr "$(mac "$NS_A" "$IF_A")" dev "$IF_RA" nud permanent
ns "$NS_R" ip -6 neigh replace "$V6" lladdr "$(mac "$NS_V" "$IF_V")" dev "$IF_RV" nud permanent
# victim namespace only: no ICMP rate limit, so every REJECT answers
ns "$NS_V" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0

# ---- log rules --------------------------------------------------------------
LOGOPT=(--log-ip-options --log-tcp-options --log-tcp-sequence --log-uid)
# add CHAIN MATCH... -- PREFIX|"" LEVEL FINAL  (LOG then FINAL target)
rule() {
    local cmd=$1 nsn=$2 chain=$3; shift 3
    local match=()
    while [[ $1 != -- ]]; do match+=("$1"); shift; done
    shift
    local prefix=$1 level=$2; shift 2
    local lg=(-j LOG "${LOGOPT[@]}")
    [[ -n $prefix ]] && lg+=(--log-prefix "$prefix")
    [[ -n $level ]] && lg+=(--log-level "$level")
    ns "$nsn" "$cmd" -A "$chain" "${match[@]}" "${lg[@]}"
    if (($#)); then ns "$nsn" "$cmd" -A "$chain" "${match[@]}" -j "$@"; fi
}
UFWB='[UFW BLOCK] ' UFWA='[UFW ALLOW] ' UFWAU='[UFW AUDIT] '
SHW='Shorewall:net2fw:DROP:' FWD_REJ='filter_IN_public_REJECT: '
PLAIN='ifw-drop ' OUTP='ifw-out ' FWDP='FWD '

# victim, IPv4
V=(iptables "$NS_V")
ns "$NS_V" iptables -A INPUT -i lo -j ACCEPT
ns "$NS_V" iptables -A INPUT -p tcp --dport 22 -j ACCEPT
rule "${V[@]}" INPUT -p tcp --dport 80 -- "$UFWA" "" ACCEPT
rule "${V[@]}" INPUT -p tcp --dport 1:20 -- "" "" DROP
rule "${V[@]}" INPUT -p tcp --dport 21:40 -- "$UFWB" "" DROP
rule "${V[@]}" INPUT -p tcp --dport 41:60 -- "$SHW" info DROP
rule "${V[@]}" INPUT -p tcp --dport 61:79 -- "$FWD_REJ" "" REJECT --reject-with tcp-reset
rule "${V[@]}" INPUT -p tcp --dport 81:100 -- "$PLAIN" "" DROP
ns "$NS_V" iptables -A INPUT -p tcp -j ACCEPT
rule "${V[@]}" INPUT -p udp --dport 1:40 -- "$UFWB" "" DROP
rule "${V[@]}" INPUT -p udp --dport 41:60 -- "" "" DROP
rule "${V[@]}" INPUT -p udp --dport 61:100 -- "$FWD_REJ" "" REJECT --reject-with icmp-port-unreachable
rule "${V[@]}" INPUT -p udp --dport 101:120 -- "$SHW" info DROP
ns "$NS_V" iptables -A INPUT -p udp -j ACCEPT
rule "${V[@]}" INPUT -p icmp --icmp-type echo-request -- "$PLAIN" "" DROP
ns "$NS_V" iptables -A INPUT -p icmp -j ACCEPT
rule "${V[@]}" INPUT -- "$FWD_REJ" "" REJECT --reject-with icmp-proto-unreachable
rule "${V[@]}" OUTPUT -p icmp --icmp-type destination-unreachable -- "$OUTP" ""
rule "${V[@]}" OUTPUT -p tcp --sport 80 -- "$OUTP" ""

# victim, IPv6
V=(ip6tables "$NS_V")
ns "$NS_V" ip6tables -A INPUT -i lo -j ACCEPT
for t in neighbour-solicitation neighbour-advertisement router-solicitation router-advertisement; do
    ns "$NS_V" ip6tables -A INPUT -p ipv6-icmp --icmpv6-type "$t" -j ACCEPT
done
ns "$NS_V" ip6tables -A INPUT -p tcp --dport 22 -j ACCEPT
rule "${V[@]}" INPUT -p tcp --dport 80 -- "$UFWA" "" ACCEPT
rule "${V[@]}" INPUT -p tcp --dport 1:40 -- "$UFWB" "" DROP
rule "${V[@]}" INPUT -p tcp --dport 41:60 -- "$SHW" info DROP
rule "${V[@]}" INPUT -p tcp --dport 61:79 -- "$FWD_REJ" "" REJECT --reject-with tcp-reset
rule "${V[@]}" INPUT -p tcp --dport 81:100 -- "" "" DROP
rule "${V[@]}" INPUT -p udp --dport 1:60 -- "" "" DROP
rule "${V[@]}" INPUT -p udp --dport 61:100 -- "$FWD_REJ" "" REJECT --reject-with icmp6-port-unreachable
rule "${V[@]}" INPUT -p udp --dport 101:120 -- "$PLAIN" "" DROP
rule "${V[@]}" INPUT -p ipv6-icmp --icmpv6-type echo-request -- "$PLAIN" "" DROP
rule "${V[@]}" OUTPUT -p ipv6-icmp --icmpv6-type destination-unreachable -- "$OUTP" ""
rule "${V[@]}" OUTPUT -p tcp --sport 80 -- "$OUTP" ""

# victim, nftables (runs before the iptables filter chains: priority -10)
ns "$NS_V" nft -f - <<'EOF'
table inet ifwcapture {
    chain input {
        type filter hook input priority -10; policy accept;
        meta nfproto ipv4 tcp dport 101-120 log prefix "nft-drop: " drop
        meta nfproto ipv6 tcp dport 101-120 log prefix "nft-drop: " flags all drop
        meta nfproto ipv6 exthdr frag exists log prefix "nft-drop: " flags all drop
    }
}
EOF

# router FORWARD (multiport, not --dport: a tiny first fragment has the ports
# but not a whole TCP header, and the tcp match would silently drop it)
for c in iptables ip6tables; do
    rule "$c" "$NS_R" FORWARD -p tcp -m multiport --dports 1:10 -- "$FWDP" ""
    rule "$c" "$NS_R" FORWARD -p udp -m multiport --dports 1:10 -- "$FWDP" ""
done
rule iptables "$NS_R" FORWARD -f -- "$FWDP" ""
rule ip6tables "$NS_R" FORWARD -m frag -- "$FWDP" ""
rule iptables "$NS_R" FORWARD -p icmp --icmp-type echo-request -- "$FWDP" ""
rule ip6tables "$NS_R" FORWARD -p ipv6-icmp --icmpv6-type echo-request -- "$FWDP" ""

# attacker INPUT: ICMP errors it receives
rule iptables "$NS_A" INPUT -p icmp --icmp-type destination-unreachable -- "$UFWAU" ""
rule ip6tables "$NS_A" INPUT -p ipv6-icmp --icmpv6-type destination-unreachable -- "$UFWAU" ""

# ---- victim services ----------------------------------------------------------
for fam in 4 6; do
    for port in 22 80; do
        ip netns exec "$NS_V" nc "-$fam" -dlk "$port" >/dev/null 2>&1 </dev/null &
        PIDS+=($!)
    done
done
sleep 0.5

# ---- traffic ----------------------------------------------------------------
PT=1,7,13,21,22,23,25,42,53,55,61,67,79,80,81,88,99,101,110,119
PU=7,9,37,42,53,55,67,69,88,99,101,111
PO=1,2,3,4,6,17,41,47,50,51,89,103,132,136
NMAP_BASE=(nmap -n -T4 --max-retries 1 --initial-rtt-timeout 100ms --max-rtt-timeout 300ms)
NMAP=("${NMAP_BASE[@]}" -Pn)
PHASES=()
phase() { # name cmd...
    local name=$1; shift
    local up st=0; read -r up _ </proc/uptime
    PHASES+=("$name ${up/./}")
    log "phase $name"
    echo "### $name: $*" >>"$WORK/traffic.log"
    # in the background, so that INT/TERM interrupt the wait at once
    timeout 90 ip netns exec "$NS_A" "$@" >>"$WORK/traffic.log" 2>&1 &
    PIDS+=($!)
    reap $! || st=$?
    ((st == 0)) || log "  (phase $name exited $st)"
    sleep 0.3
}

phase syn "${NMAP[@]}" -sS -p "$PT" "$V4"
phase fin "${NMAP[@]}" -sF -p "$PT" "$V4"
phase udp "${NMAP[@]}" -sU -p "$PU" "$V4"
phase ping-sweep "${NMAP_BASE[@]}" -sn -PE 203.0.113.1-3
phase syn6 "${NMAP[@]}" -6 -sS -p "$PT" "$V6"
phase frag "${NMAP[@]}" -sS -f -p 1,7,42 "$V4"
phase null "${NMAP[@]}" -sN -p "$PT" "$V4"
phase xmas "${NMAP[@]}" -sX -p "$PT" "$V4"
phase ack "${NMAP[@]}" -sA -p "$PT" "$V4"
phase maimon "${NMAP[@]}" -sM -p "$PT" "$V4"
if [[ $QUICK == 0 ]]; then
    phase connect "${NMAP[@]}" -sT -p "$PT" "$V4"
    phase proto "${NMAP[@]}" -sO -p "$PO" "$V4"
    phase udp6 "${NMAP[@]}" -6 -sU -p "$PU" "$V6"
    phase ipopts "${NMAP[@]}" -sS --ip-options R -p 7,42,61 "$V4"
fi
phase nc-tcp sh -c "nc -z -w1 $V4 22 80; echo hello | nc -N -w1 $V4 80; echo hello | nc -N -w1 $V6 80; nc -z -w1 $V4 5; nc -z -w1 $V4 70; true"
# (nmap cannot fragment IPv6; a 3000-byte datagram is fragmented by the kernel)
phase nc-udp sh -c "echo x | nc -u -w1 $V4 70; echo x | nc -u -w1 $V6 70; echo x | nc -u -w1 $V4 30;
    head -c 3000 /dev/zero | nc -u -w1 $V4 9; head -c 3000 /dev/zero | nc -u -w1 $V6 9; true"
phase ping6 "${NMAP_BASE[@]}" -6 -sn -PE "$V6"
if command -v ping >/dev/null 2>&1; then   # optional (iputils-ping)
    phase ping sh -c "ping -c2 -i0.2 -W1 $V4; ping -6 -c2 -i0.2 -W1 $V6; ping -c1 -s 1400 -W1 $V4"
fi
PHASES+=("end 99999999999")

sleep 1.5   # let the readers drain
for p in "${READER_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
for p in "${READER_PIDS[@]}"; do reap "$p" || true; done

# ---- select this run's lines and write the forms ------------------------------
mkdir -p "$OUTDIR"
RE="(IN|OUT)=(ia|ra|rv|iv)$TOK( |$)"
HOST=$(uname -n)

# kmsg: only record lines (continuation lines start with a space), dedup by seq
grep -aE '^[0-9]+,[0-9]+,[0-9]+,[^;]*;' "$WORK/kmsg.raw" | grep -aE "$RE" |
    awk -F, '!seen[$2]++' >"$OUTDIR/kmsg.log" || true
OVERRUNS=$(grep -c 'Broken pipe' "$WORK/kmsg.err" || true)
grep -aE "$RE" "$WORK/dmesg.raw" >"$OUTDIR/dmesg.log" || true
grep -aE "$RE" "$WORK/dmesg-iso.raw" >"$OUTDIR/dmesg-iso.log" || true

# Re-rendering from kmsg records (fallback only): time = boot time + record
# timestamp. journalctl (systemd 252) formats: short "%b %d %H:%M:%S",
# short-iso "%Y-%m-%dT%H:%M:%S%z" (newer systemd prints +00:00), short-precise
# "%b %d %H:%M:%S.uuuuuu"; then " HOST kernel: MSG", no [uptime]. The syslog
# forms keep the kernel's "[%5lu.%06lu] " time as imklog does.
render() { # mode
    awk -v mode="$1" -v host="$HOST" -v boot="$BOOT_US" '
    {
        semi = index($0, ";"); split(substr($0, 1, semi - 1), h, ",")
        msg = substr($0, semi + 1)
        us = h[3] + (boot % 1000000); s = int(boot / 1000000) + int(us / 1000000); us = us % 1000000
        if (mode == "short") ts = strftime("%b %d %H:%M:%S", s)
        else if (mode == "short-precise") ts = sprintf("%s.%06d", strftime("%b %d %H:%M:%S", s), us)
        else if (mode == "short-iso") ts = strftime("%Y-%m-%dT%H:%M:%S%z", s)
        else {
            if (mode == "bsd") ts = strftime("%b %e %H:%M:%S", s)
            else {
                z = strftime("%z", s)
                ts = sprintf("%s.%06d%s:%s", strftime("%Y-%m-%dT%H:%M:%S", s), us, substr(z, 1, 3), substr(z, 4, 2))
            }
            msg = sprintf("[%5d.%06d] %s", int(h[3] / 1000000), h[3] % 1000000, msg)
        }
        print ts " " host " kernel: " msg
    }' "$OUTDIR/kmsg.log"
}
JOURNAL_NOTE="RE-RENDERED from kmsg records (journalctl -k format of systemd 252)"
if [[ -n $JOURNALD_PID ]] && kill -0 "$JOURNALD_PID" 2>/dev/null; then
    for m in short short-iso short-precise; do
        nsenter -t "$JOURNALD_PID" -m journalctl -k -o "$m" --no-pager 2>"$WORK/journalctl.err" |
            grep -aE "$RE" >"$OUTDIR/journal-$m.log" || true
    done
    reap -k "$JOURNALD_PID" || true
    JOURNAL_NOTE="verbatim (journalctl -k of a private systemd-journald)"
fi
for m in short short-iso short-precise; do
    if [[ ! -s $OUTDIR/journal-$m.log ]]; then
        if [[ -n $JOURNALD_PID ]]; then
            log "private journald captured nothing; re-rendering journal forms from kmsg"
            cat "$WORK/journald.out" "$WORK/journalctl.err" >&2 2>/dev/null || true
        fi
        JOURNAL_NOTE="RE-RENDERED from kmsg records (journalctl -k format of systemd 252)"
        for m2 in short short-iso short-precise; do render "$m2" >"$OUTDIR/journal-$m2.log"; done
        break
    fi
done

SYSLOG_NOTE="verbatim (rsyslogd imklog)"
if ((RSYSLOG_OK)) && [[ -s $WORK/syslog-bsd.raw ]]; then
    grep -aE "$RE" "$WORK/syslog-bsd.raw" >"$OUTDIR/syslog-bsd.log" || true
    grep -aE "$RE" "$WORK/syslog-rfc3339.raw" >"$OUTDIR/syslog-rfc3339.log" || true
fi
if [[ ! -s $OUTDIR/syslog-bsd.log || ! -s $OUTDIR/syslog-rfc3339.log ]]; then
    # imklog could not read the kernel log here: fall back to re-rendering.
    log "rsyslogd/imklog captured nothing; re-rendering the syslog forms from kmsg"
    [[ -f $WORK/rsyslog.out ]] && cat "$WORK/rsyslog.out" >&2
    SYSLOG_NOTE="RE-RENDERED from kmsg (rsyslogd/imklog captured nothing)"
    render bsd >"$OUTDIR/syslog-bsd.log"
    render rfc3339 >"$OUTDIR/syslog-rfc3339.log"
fi

# ---- MANIFEST ---------------------------------------------------------------
FILES=(kmsg.log dmesg.log dmesg-iso.log syslog-bsd.log syslog-rfc3339.log
    journal-short.log journal-short-iso.log journal-short-precise.log)
{
    echo "# ifw kernel LOG captures, made by test/capture/capture.sh (see its header)"
    echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "mode:     $([[ $QUICK == 1 ]] && echo quick || echo full)"
    echo "kernel:   $(uname -r)"
    echo "tools:    $(iptables -V) / $(nft -v) / $(nmap --version | head -1) / $(rsyslogd -v | head -1) / $(dmesg -V)"
    echo "token:    $TOK (interfaces $IF_A attacker, $IF_RA and $IF_RV router, $IF_V victim)"
    echo "overruns: $OVERRUNS /dev/kmsg EPIPE (records lost before read)"
    echo
    echo "files (lines):"
    for f in "${FILES[@]}"; do
        case $f in
        kmsg.log | dmesg*.log) how="verbatim" ;;
        syslog*) how=$SYSLOG_NOTE ;;
        journal*) how=$JOURNAL_NOTE ;;
        esac
        printf '  %-26s %6d  %s\n' "$f" "$(wc -l <"$OUTDIR/$f")" "$how"
    done
    nk=$(wc -l <"$OUTDIR/kmsg.log")
    for f in "${FILES[@]}"; do
        n=$(wc -l <"$OUTDIR/$f")
        if ((n != nk)); then
            echo "  WARNING: $f has $n lines, kmsg.log $nk (a reader missed records, or another reader consumed /proc/kmsg)"
        fi
    done
    echo
    echo "phases (kmsg lines; by kernel timestamp, approximate):"
    printf '%s\n' "${PHASES[@]}" >"$WORK/phases"
    awk -F'[,;]' 'NR == FNR { name[NR] = $1; start[NR] = $2 * 10000; n = NR; next }
        { for (i = n - 1; i >= 1; i--) if ($3 >= start[i]) { c[name[i]]++; break } }
        END { for (i = 1; i < n; i++) printf "  %-12s %6d\n", name[i], c[name[i]] }' \
        FS=' ' "$WORK/phases" FS='[,;]' "$OUTDIR/kmsg.log"
    echo
    echo "log prefixes (kmsg lines):"
    sed -E 's/^[^;]*;//; s/(IN=).*//' "$OUTDIR/kmsg.log" | sort | uniq -c |
        awk '{ c = $1; sub(/^ *[0-9]+ /, ""); printf "  %6d  \"%s\"\n", c, $0 }'
    echo
    echo "line kinds (kmsg lines):"
    k() { printf '  %-44s %6d\n' "$1" "$(grep -cE "$2" "$OUTDIR/kmsg.log" || true)"; }
    k "IPv4 (SRC= dotted)" 'SRC=[0-9]+\.'
    k "IPv6 (SRC= with colons)" 'SRC=[0-9a-f]*:'
    k "FORWARD (IN= and OUT= both set)" 'IN=[a-z0-9]+ OUT=[a-z0-9]+ '
    k "OUTPUT (IN= empty)" 'IN= OUT='
    k "embedded packet in ICMP error ([SRC=...])" '\[SRC='
    k "with UID=" ' UID='
    k "TCP with OPT (" 'PROTO=TCP.* OPT \('
    k "TCP with SEQ=" 'PROTO=TCP.* SEQ='
} >"$OUTDIR/MANIFEST"

empty=()
for f in "${FILES[@]}"; do [[ -s $OUTDIR/$f ]] || empty+=("$f"); done
if ((${#empty[@]})); then
    cat "$OUTDIR/MANIFEST" >&2
    die "empty output file(s): ${empty[*]} (is LOG supported in namespaces? see $WORK, run with CAPTURE_KEEP=1)"
fi
if ((OVERRUNS)); then log "warning: $OVERRUNS /dev/kmsg overruns, some records lost"; fi
log "done in $((SECONDS - T0)) s:"
cat "$OUTDIR/MANIFEST" >&2
