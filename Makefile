# ifw — build, test and benchmark. `make check` is the test command CI runs.
SHELL := /bin/bash

GO       ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
BIN      ?= bin/ifw
BUILDDIR ?= build
PKGS      = $(shell $(GO) list ./... | grep -v '/test$$')
FUZZTIME ?= 10s
STATICCHECK_VERSION := v0.7.0

# Debian packages the system tests and benchmarks need, as command:package.
TEST_DEPS := iptables:iptables ip6tables:iptables nft:nftables nmap:nmap \
	ip:iproute2 ipset:ipset rsyslogd:rsyslog nc:netcat-openbsd dmesg:util-linux \
	/usr/bin/time:time journalctl:systemd ping:iputils-ping \
	dbus-daemon:dbus-daemon dbus-send:dbus-bin dunst:dunst dunstctl:dunst Xvfb:xvfb xwd:x11-apps busctl:systemd \
	chromium:chromium psad:psad pkttyagent:polkitd debootstrap:debootstrap lintian:lintian systemd-nspawn:systemd-container \
	status-notifier-watcher:haskell-status-notifier-item-utils dnsmasq:dnsmasq-base curl:curl \
	pg_ctlcluster:postgresql

# Fuzz targets are found, not listed: every Fuzz* function of every package
# runs in `make fuzz-short` (FUZZTIME each) and `make fuzz` (1m each), so a new
# target can't be forgotten.
FUZZ_TARGETS = $(shell for p in $(PKGS); do \
	$(GO) test -list '^Fuzz' $$p 2>/dev/null | grep '^Fuzz' | sed "s|^|$$p:|"; done)

# The benchmark log: 1M lines from the project's own generator (and 3M, to
# show that memory does not grow with length).
BENCH_DIR   ?= /tmp/ifw-bench
BENCH_LOG   := $(BENCH_DIR)/fw-1m.log
BENCH_LOG3  := $(BENCH_DIR)/fw-3m.log
DEMO_LOG    := sources/logline/testdata/captures/syslog-bsd.log

# What `ifw --version` says: git's description, commit and commit date
# (the build info Go records has no version for a build in a checkout).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell git log -1 --format=%cI 2>/dev/null)
VERPKG := github.com/ifw/ifw/cmd/ifw/version
LDFLAGS := -X $(VERPKG).version=$(VERSION) -X $(VERPKG).commit=$(COMMIT) -X $(VERPKG).date=$(DATE)

# Installation layout (make install; make deb stages PREFIX=/usr into
# $(BUILDDIR)/deb/root). ifw reads /etc/ifw whatever the PREFIX, polkit reads only
# /usr/share/polkit-1/actions, and systemd, sysusers and tmpfiles also search
# /usr/local/lib/{systemd/system,sysusers.d,tmpfiles.d}.
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
SYSCONFDIR   ?= /etc
UNITDIR      ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR  ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR  ?= $(PREFIX)/lib/tmpfiles.d
MANDIR       ?= $(PREFIX)/share/man
DOCDIR       ?= $(PREFIX)/share/doc/ifw
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR   ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR  ?= $(PREFIX)/share/fish/vendor_completions.d
POLKITDIR    ?= /usr/share/polkit-1/actions
AUTOSTARTDIR ?= $(SYSCONFDIR)/xdg/autostart
CONFFILES    := ifw.conf signatures auto_dl whitelist rules
UNITS        := ifw.service ifw-report.service ifw-report.timer

# The package's version: the latest tag (v1.2.3 → 1.2.3, commits after it
# → 1.2.3+git5.gHASH) or, before the first tag, 0~gitN.gHASH (N commits:
# every later build sorts higher).
DEB_VERSION ?= $(shell d=$$(git describe --tags --match 'v[0-9]*' 2>/dev/null) && \
	echo "$$d" | sed -E 's/^v//; s/-([0-9]+)-g/+git\1.g/' || \
	echo "0~git$$(git rev-list --count HEAD 2>/dev/null || echo 0).g$$(git rev-parse --short HEAD 2>/dev/null || echo 0)")
DEB_ARCH       ?= $(shell $(GO) env GOARCH)
DEB_MAINTAINER ?= ifw developers <ifw@users.noreply.github.com>
DEB            := $(BUILDDIR)/ifw_$(DEB_VERSION)_$(DEB_ARCH).deb

.PHONY: all build man completion demo test check stress deps system fuzz-short fuzz bench bench-go bench-analyze bench-verdict bench-fleet bench-psad lint clean install deb

all: build

# ifw is built without cgo: a static binary (no dynamic loader, no libc)
# starts faster, and net's and os/user's pure-Go paths serve (the users and
# groups only NSS knows are asked of getent(1): sources/userdb).
build:
	CGO_ENABLED=0 $(GO) build $(GOBUILDFLAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ifw

# What is installed is stripped (symbols and DWARF; panics still print stack
# traces). It is static and not PIE: PIE would make it load through ld.so,
# which rewrites its 2.5 MB of pointers at each start (600 more page faults,
# ~7 ms on a small VM), for an address randomization Go barely has (its heap
# and stacks sit at fixed addresses); with no dynamic linking there is no
# GOT or PLT for RELRO to protect.
install: GOBUILDFLAGS = -trimpath
install: LDFLAGS += -s -w


# man: ifw(8) and one page per command, from the command tree (for packaging).
man: build
	CGO_ENABLED=0 $(GO) build -tags manpages $(GOBUILDFLAGS) -ldflags "$(LDFLAGS)" -o $(BUILDDIR)/ifw-man ./cmd/ifw
	rm -rf $(BUILDDIR)/man && $(BUILDDIR)/ifw-man gen-man $(BUILDDIR)/man

# completion: bash, zsh and fish scripts ($(BUILDDIR)/completion/ifw.bash, _ifw, ifw.fish).
completion: build
	rm -rf $(BUILDDIR)/completion && $(BIN) gen-completion $(BUILDDIR)/completion

# install: the binary, the configuration (an existing file in /etc/ifw is
# kept), units, sysusers/tmpfiles entries, polkit policy, applet autostart,
# man pages, completions and docs, under DESTDIR. Then, on the target:
# systemd-sysusers; systemd-tmpfiles --create ifw.conf; systemctl daemon-reload.
install: man completion $(BUILDDIR)/changelog.gz
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/ifw
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/ifw
	@for f in $(CONFFILES); do \
		if [ -e $(DESTDIR)$(SYSCONFDIR)/ifw/$$f ]; then echo "keeping $(DESTDIR)$(SYSCONFDIR)/ifw/$$f"; \
		else install -m 0644 etc/$$f $(DESTDIR)$(SYSCONFDIR)/ifw/$$f; fi; done
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	for u in $(UNITS); do sed 's|/usr/bin/ifw|$(BINDIR)/ifw|g' etc/$$u > $(DESTDIR)$(UNITDIR)/$$u; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; done
	install -D -m 0644 etc/ifw.sysusers $(DESTDIR)$(SYSUSERSDIR)/ifw.conf
	install -D -m 0644 etc/ifw.tmpfiles $(DESTDIR)$(TMPFILESDIR)/ifw.conf
	install -D -m 0644 etc/org.ifw.policy $(DESTDIR)$(POLKITDIR)/org.ifw.policy
	install -D -m 0644 etc/ifw-applet.desktop $(DESTDIR)$(AUTOSTARTDIR)/ifw-applet.desktop
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man8
	for m in $(BUILDDIR)/man/*.8; do gzip -9nc $$m > $(DESTDIR)$(MANDIR)/man8/$$(basename $$m).gz; \
		chmod 0644 $(DESTDIR)$(MANDIR)/man8/$$(basename $$m).gz; done
	install -D -m 0644 $(BUILDDIR)/completion/ifw.bash $(DESTDIR)$(BASHCOMPDIR)/ifw
	install -D -m 0644 $(BUILDDIR)/completion/_ifw $(DESTDIR)$(ZSHCOMPDIR)/_ifw
	install -D -m 0644 $(BUILDDIR)/completion/ifw.fish $(DESTDIR)$(FISHCOMPDIR)/ifw.fish
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 etc/deb/copyright $(DESTDIR)$(DOCDIR)/copyright
	install -D -m 0644 $(BUILDDIR)/changelog.gz $(DESTDIR)$(DOCDIR)/changelog.gz

# The changelog Debian's tools read: one entry for this build.
$(BUILDDIR)/changelog.gz: FORCE
	@mkdir -p $(BUILDDIR)
	@printf 'ifw (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
		'$(DEB_VERSION)' '$(COMMIT)' '$(DEB_MAINTAINER)' \
		"$$(date -R -d '$(DATE)' 2>/dev/null || date -R)" | gzip -9n > $@

# deb: $(BUILDDIR)/ifw_VERSION_ARCH.deb, from `make install PREFIX=/usr` staged
# under $(BUILDDIR)/deb/root, by nfpm (pinned in go.mod as a tool: no download
# at build time beyond the module cache).
deb:
	rm -rf $(BUILDDIR)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(BUILDDIR))/deb/root PREFIX=/usr VERSION='$(DEB_VERSION)'
	install -d -m 0755 $(BUILDDIR)/deb/root/usr/share/lintian/overrides
	echo 'ifw: statically-linked-binary [usr/bin/ifw]' > $(BUILDDIR)/deb/root/usr/share/lintian/overrides/ifw
	cp -r etc/deb $(BUILDDIR)/deb/scripts
	$(GO) build -o $(BUILDDIR)/nfpm github.com/goreleaser/nfpm/v2/cmd/nfpm
	cd $(BUILDDIR)/deb && DEB_VERSION='$(DEB_VERSION)' DEB_ARCH='$(DEB_ARCH)' DEB_MAINTAINER='$(DEB_MAINTAINER)' \
		SOURCE_DATE_EPOCH=$$(date -d '$(DATE)' +%s 2>/dev/null || date +%s) \
		$(abspath $(BUILDDIR))/nfpm package --config $(CURDIR)/etc/nfpm.yaml --packager deb --target $(abspath $(DEB))
	@echo "$(DEB)"

FORCE:

# demo: the README's first command: analyze a real capture of nmap scans.
demo: build
	$(BIN) analyze $(DEMO_LOG)

test:
	$(GO) test -race -count=1 $(PKGS)

# check: everything, as CI runs it (as root, with CI=true).
check: deps lint test system fuzz-short

# stress runs `make check` (lint, unit with -race, system tests, fuzz-short)
# STRESS_RUNS times in a row while stress-ng loads the CPUs and the disk, the
# way a busy CI machine does; it stops at the first red run. Logs go to
# $(STRESS_DIR)/run-N.log.
STRESS_RUNS ?= 5
STRESS_DIR  ?= /tmp/ifw-stress
stress:
	@command -v stress-ng >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq stress-ng >/dev/null; }
	@mkdir -p $(STRESS_DIR); stress-ng --cpu 4 --io 2 --timeout 0 >/dev/null 2>&1 & sp=$$!; \
	trap "kill $$sp" EXIT; \
	for i in $$(seq 1 $(STRESS_RUNS)); do \
		start=$$(date +%s); \
		if $(MAKE) --no-print-directory check FUZZTIME=$(FUZZTIME) > $(STRESS_DIR)/run-$$i.log 2>&1; then \
			echo "stress run $$i/$(STRESS_RUNS): green in $$(( $$(date +%s) - start )) s"; \
		else echo "stress run $$i/$(STRESS_RUNS): RED, see $(STRESS_DIR)/run-$$i.log"; exit 1; fi; \
	done

# deps installs missing test packages with apt-get when run as root. The
# packages' services (psad, exim4, rsyslog) are not started by the install:
# a policy-rc.d that refuses them is put in place for the install, and
# removed after, when the machine had none.
deps:
	@missing=""; for dep in $(TEST_DEPS); do \
		cmd=$${dep%%:*}; pkg=$${dep##*:}; \
		command -v $$cmd >/dev/null 2>&1 || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			if [ ! -e /usr/sbin/policy-rc.d ]; then \
				printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d; \
				trap 'rm -f /usr/sbin/policy-rc.d' EXIT; \
			fi; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else echo "missing test packages (not root, not installing):$$missing"; fi; \
	fi

# system runs the real tests under test/: network namespaces, firewall
# rules and traffic. They need root; outside CI they skip without it.
# Screenshots of the management window (TestUI) and other artifacts of the
# system tests are kept here.
IFW_TEST_ARTIFACTS ?= $(CURDIR)/build/test-artifacts

system:
	IFW_TEST_ARTIFACTS=$(IFW_TEST_ARTIFACTS) $(GO) test -count=1 -v -timeout 30m ./test/ 2>&1 | tee /tmp/ifw-system.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|SKIP|\s+\S+_test.go)' ; \
		exit $${PIPESTATUS[0]}

fuzz-short:
	@targets="$(FUZZ_TARGETS)"; [ -n "$$targets" ] || { echo "no fuzz targets found"; exit 1; }; \
	out=$$(mktemp); trap 'rm -f $$out' EXIT; \
	for t in $$targets; do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		for try in 1 2 3; do \
			$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg 2>&1 | tee $$out; \
			[ $${PIPESTATUS[0]} = 0 ] && continue 2; \
			grep -q 'context deadline exceeded' $$out && ! grep -q 'Failing input written' $$out || exit 1; \
			echo "fuzz $$fn: Go's -fuzztime shutdown race (golang/go#75804: no failing input, fixed in Go 1.27); run $$try of 3"; \
		done; exit 1; \
	done

fuzz:
	$(MAKE) fuzz-short FUZZTIME=1m

bench: bench-go bench-analyze bench-verdict bench-fleet

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 $(PKGS)

$(BENCH_LOG): test/loggen/*.go Makefile
	mkdir -p $(BENCH_DIR)
	$(GO) run ./test/loggen -lines 1000000 -seed 1 > $@

$(BENCH_LOG3): test/loggen/*.go Makefile
	mkdir -p $(BENCH_DIR)
	$(GO) run ./test/loggen -lines 3000000 -seed 1 > $@  # three days at the same density

# bench-analyze times ifw analyze --json end to end on the 1M-line log, in
# page cache, for --jobs 1..BENCH_JOBS (GOMAXPROCS=jobs): lines/s, the wall
# time against `grep -c SRC=` on the same file, peak RSS; every job count
# must print the --jobs 1 report byte for byte. Then the 3M-line log at one
# and all jobs (memory does not grow with length) and the start-up on an
# empty input (best of 20). Times are taken with bash's EPOCHREALTIME (no
# date process in them), and grep writes its count to a file: with its
# output on /dev/null, GNU grep stops at the first match.
BENCH_JOBS ?= $(shell nproc)
bench-analyze: build $(BENCH_LOG) $(BENCH_LOG3)
	@set -e; for log in $(BENCH_LOG) $(BENCH_LOG3); do \
		cat $$log > /dev/null; lines=$$(wc -l < $$log); \
		g0=$${EPOCHREALTIME/./}; grep -c SRC= $$log > $(BENCH_DIR)/grep.out; g1=$${EPOCHREALTIME/./}; grep_s=$$(( g1-g0 )); \
		echo "== ifw analyze --json $$log ($$lines lines; grep -c SRC=: $$(( grep_s/1000 )) ms)"; \
		jobs=$$(seq 1 $(BENCH_JOBS)); [ $$log = $(BENCH_LOG) ] || jobs="1 $(BENCH_JOBS)"; \
		for j in $$jobs; do \
			GOMAXPROCS=$$j /usr/bin/time -o $(BENCH_DIR)/time -f '%e %U %S %M' $(BIN) analyze --jobs $$j --json $$log > $(BENCH_DIR)/jobs-$$j.json 2>/dev/null; \
			read el us sy rss < $(BENCH_DIR)/time; [ $$j = 1 ] && el1=$$el; \
			awk -v j=$$j -v el=$$el -v el1=$$el1 -v us=$$us -v sy=$$sy -v rss=$$rss -v n=$$lines -v g=$$grep_s 'BEGIN { \
				printf "jobs %2d: %6.2f s wall, %6.2f s cpu, %5.2f M lines/s (%.2fx jobs 1), %4.1fx grep, peak RSS %3d MiB\n", \
				j, el, us+sy, n/el/1e6, el1/el, el*1e6/g, rss/1024 }'; \
			cmp -s $(BENCH_DIR)/jobs-1.json $(BENCH_DIR)/jobs-$$j.json || { echo "--jobs $$j: the report differs from --jobs 1"; exit 1; }; \
		done; \
	done; \
	best=999999999; for i in $$(seq 20); do t0=$${EPOCHREALTIME/./}; $(BIN) analyze - < /dev/null > /dev/null 2>&1; t1=$${EPOCHREALTIME/./}; \
		d=$$(( t1-t0 )); [ $$d -lt $$best ] && best=$$d; done; \
	echo "== ifw analyze on an empty input: $$(( best/1000 )).$$(( best%1000/100 )) ms (best of 20; /bin/true: $$(best=999999999; for i in $$(seq 20); do t0=$${EPOCHREALTIME/./}; /bin/true; t1=$${EPOCHREALTIME/./}; d=$$(( t1-t0 )); [ $$d -lt $$best ] && best=$$d; done; echo $$(( best/1000 )).$$(( best%1000/100 ))) ms)"; \
	echo "(load average: $$(cut -d' ' -f1-3 /proc/loadavg))"

# bench-psad runs psad -A (Debian package psad) on the same 1M-line file.
# bench-verdict: what the outbound queue adds to a new TCP connection
# decided by a rule (p50/p99) and the connection rate, against the same
# traffic without the queue rule, in network namespaces (root); then the
# same for the one connection of each of 1,000 programs just started,
# alternating with 1,000 to a port a rule lets past the queue.
bench-verdict:
	mkdir -p $(BENCH_DIR)
	IFW_BENCH_OUT=$(BENCH_DIR)/verdict.json IFW_BENCH_OUT_SPAWN=$(BENCH_DIR)/verdict-spawn.json \
		$(GO) test -count=1 -run '^TestVerdict(Latency|ProcessStart)$$' -v ./test/ | grep -v '^        added'

# bench-fleet: three hosts' stores writing 1,000 alerts/s each for 60 s
# into one PostgreSQL (started by the test): write p50/p99, loss (none
# allowed), database size per million alerts.
bench-fleet:
	IFW_LOAD=$(or $(IFW_LOAD),3x1000x60) $(GO) test -count=1 -run '^TestPostgresLoad$$' -v ./alerts/ | grep -E 'writers|latency|grew|lost|^(ok|FAIL|---)'

bench-psad: $(BENCH_LOG)
	@command -v psad >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq psad >/dev/null; }
	@cat $(BENCH_LOG) > /dev/null
	@echo "== psad -A -m $(BENCH_LOG)"
	@/usr/bin/time -o $(BENCH_DIR)/psad.time -f 'elapsed %e s, user %U s, peak RSS %M KiB' \
		psad -A -m $(BENCH_LOG) > $(BENCH_DIR)/psad.out 2>&1 || true
	@cat $(BENCH_DIR)/psad.time; echo "(psad's report: $(BENCH_DIR)/psad.out)"

lint:
	$(GO) vet ./...
	@d=$$($(GO) mod tidy -diff 2>&1) || { echo "go mod tidy -diff is not empty:"; echo "$$d"; exit 1; }; echo "go mod tidy: ok"
	@if [ -z "$$(gofmt -l $$(git ls-files '*.go'))" ]; then echo "gofmt: ok"; else gofmt -l $$(git ls-files '*.go'); exit 1; fi
	@sc=$$($(GO) env GOPATH)/bin/staticcheck; \
	[ -x $$sc ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) >/dev/null 2>&1 || true; \
	if [ -x $$sc ]; then $$sc ./...; else echo "staticcheck $(STATICCHECK_VERSION) does not install here; skipped"; fi

clean:
	rm -rf bin build
