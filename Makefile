# ifw — build, test and benchmark. `make check` is the test command CI runs.
SHELL := /bin/bash

GO       ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
BIN      := bin/ifw
PKGS      = $(shell $(GO) list ./... | grep -v '/test$$')
FUZZTIME ?= 20s
STATICCHECK_VERSION := v0.7.0

# Debian packages the system tests and benchmarks need, as command:package.
TEST_DEPS := iptables:iptables ip6tables:iptables nft:nftables nmap:nmap \
	ip:iproute2 ipset:ipset rsyslogd:rsyslog nc:netcat-openbsd dmesg:util-linux

# Fuzz targets run by `make fuzz` and (shorter) by `make check`: package:target.
FUZZ_TARGETS := ./sources/logline:FuzzParse

.PHONY: all build test check deps system fuzz-short fuzz bench lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ifw

test:
	$(GO) test -race -count=1 $(PKGS)

# check: everything, as CI runs it (as root, with CI=true).
check: deps lint test system fuzz-short

# deps installs missing test packages with apt-get when run as root.
deps:
	@missing=""; for dep in $(TEST_DEPS); do \
		cmd=$${dep%%:*}; pkg=$${dep##*:}; \
		command -v $$cmd >/dev/null 2>&1 || [ -x /usr/sbin/$$cmd ] || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else echo "missing test packages (not root, not installing):$$missing"; fi; \
	fi

# system runs the real tests under test/: network namespaces, firewall
# rules and traffic. They need root; outside CI they skip without it.
system:
	$(GO) test -count=1 -v -timeout 15m ./test/ 2>&1 | tee /tmp/ifw-system.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|SKIP|\s+\S+_test.go)' ; \
		exit $${PIPESTATUS[0]}

fuzz-short:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

fuzz:
	$(MAKE) fuzz-short FUZZTIME=1m

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 $(PKGS)

lint:
	$(GO) vet ./...
	@if [ -z "$$(gofmt -l $$(git ls-files '*.go'))" ]; then echo "gofmt: ok"; else gofmt -l $$(git ls-files '*.go'); exit 1; fi
	@sc=$$($(GO) env GOPATH)/bin/staticcheck; \
	[ -x $$sc ] || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) >/dev/null 2>&1 || true; \
	if [ -x $$sc ]; then $$sc ./...; else echo "staticcheck $(STATICCHECK_VERSION) does not install here; skipped"; fi

clean:
	rm -rf bin
