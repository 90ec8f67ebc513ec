# portsnoop — see README.md. `make V=1` shows full commands.
.DELETE_ON_ERROR:
.SUFFIXES:

HOST_ARCH  := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH       ?= $(HOST_ARCH)
OUT        := build$(if $(filter-out $(HOST_ARCH),$(ARCH)),/$(ARCH))
# ARCH as bpf_tracing.h's __TARGET_ARCH_ names it (x86, arm64: the same).
BPF_ARCH   := $(ARCH)
CLANG      ?= clang
CC         ?= cc
BPFTOOL    ?= bpftool
PKG_CONFIG ?= pkg-config
PYTHON     ?= /usr/bin/python3
PREFIX     ?= /usr/local
UNITDIR    ?= /lib/systemd/system
VMLINUX    := vmlinux/$(ARCH)/vmlinux.h

# `make ARCH=arm64` on x86_64 cross-builds into build/arm64/: Debian's
# aarch64-linux-gnu cross compiler, and the arm64 -dev packages unpacked
# into a sysroot by tests/vm/arm64/root.sh (cached in ARM64_CACHE; it does
# nothing when its last result is newer than itself).
ifeq ($(HOST_ARCH)-$(ARCH),x86-arm64)
ARM64_CACHE   ?= $(CURDIR)/build/cache/arm64
export ARM64_CACHE
ARM64_USER    := $(ARM64_CACHE)/userland
CROSS_COMPILE ?= aarch64-linux-gnu-
CC            := $(CROSS_COMPILE)gcc
SYSROOT       := $(ARM64_USER)/sysroot
SYSLIB        := $(SYSROOT)/usr/lib/aarch64-linux-gnu
PKG_CONFIG    := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
	PKG_CONFIG_LIBDIR=$(SYSLIB)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig pkg-config
EXTRA_CFLAGS  += -I$(SYSROOT)/usr/include -I$(SYSROOT)/usr/include/aarch64-linux-gnu
EXTRA_LDFLAGS += -L$(SYSLIB) -Wl,-rpath-link=$(SYSLIB)
ifeq ($(filter clean vmlinux,$(MAKECMDGOALS)),)
$(shell tests/vm/arm64/root.sh $(ARM64_USER) >&2)
endif
endif

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS   := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
# The nf_tables ruleset (user/sockets/nat.c, docs/nat.md): libnftnl over libmnl.
NAT_LIBS      ?= -lnftnl -lmnl

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wformat-security -Wundef \
	-Wwrite-strings -Wpointer-arith -Wvla -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Ibpf -Iuser -I$(OUT) \
	-MMD -MP $(EXTRA_CFLAGS)
LDFLAGS  += $(EXTRA_LDFLAGS)

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-Wall -Werror -Ibpf -Ivmlinux/$(ARCH) $(LIBBPF_CFLAGS) -MMD -MP

BPF_SRCS  := $(sort $(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUT)/bpf/%.bpf.o,$(BPF_SRCS))
# user/ is grouped by pipeline stage, in the order user/STAGES gives.
# user/loader/ is the only folder that may include libbpf: it alone gets
# LIBBPF_CFLAGS. The stages STAGES marks [tool] (app/: main and the
# commands; loader/: libbpf) make the tool only; unit tests and fuzzers link
# every other stage.
USER_SRCS := $(sort $(wildcard user/*/*.c))
TOOL_DIRS := $(shell sed -n 's/^\([a-z]*\) *\[tool\].*/\1/p' user/STAGES)
CORE_SRCS := $(filter-out $(foreach d,$(TOOL_DIRS),user/$(d)/%),$(USER_SRCS))
CORE_OBJS := $(patsubst user/%.c,$(OUT)/user/%.o,$(CORE_SRCS))
APP_OBJS  := $(patsubst user/%.c,$(OUT)/user/%.o,$(USER_SRCS))
USER_DIRS := $(patsubst %/,%,$(sort $(dir $(APP_OBJS))))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(UNIT_SRCS))
LIVE_SRCS := $(sort $(wildcard tests/live/*.c))
LIVE_BINS := $(patsubst tests/live/%.c,$(OUT)/tests/%,$(LIVE_SRCS))
# arm64 also runs the workload as a 32-bit (AArch32) program: the compat test.
LIVE_BINS += $(if $(filter arm64,$(ARCH)),$(OUT)/tests/sockwork32)
BENCH_SRCS := $(filter-out %.bpf.c,$(sort $(wildcard bench/*.c)))
BENCH_BINS := $(patsubst bench/%.c,$(OUT)/bench/%,$(BENCH_SRCS))

.PHONY: all deps run check check-core lint unit live vmtest vmtest-arm64 vmbench soak bench vmlinux clean install sanitize fuzz fuzz-short \
	fuzz-build valgrind
all: $(OUT)/portsnoop

# Cross-building for arm64 (make static ARCH=arm64 too) needs the cross compiler.
deps:
	$(Q)scripts/deps.sh $(if $(filter x86-arm64,$(HOST_ARCH)-$(ARCH)),arm64)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)exec ./$(OUT)/portsnoop $(ARGS)

# Every test: the core (unit, a short fuzzing pass, live, the VM runner's own
# tests, 6.1 in auto mode and the three strategies side by side), the three
# shipping forms, the other kernels of the matrix in auto mode, then arm64 in
# auto mode on CHECK_ARM64_KERNEL (6.1: there the kernel refuses fentry and
# auto mode takes kprobes, a path only arm64 takes; tests/vm/arm64/README.md).
# Auto mode takes each rung on some kernel (fentry: 5.10, 6.1, 6.12; kprobe:
# 7.2, arm64 6.1; tracepoints: 6.12-rt and the host), so every strategy runs
# the whole suite in CI once; 6.12-cloud (the same kernel as 6.12, over
# virtiofs) and each kernel's forced strategies are left to `make vmmatrix`.
# A part that fails stops it.
CHECK_KERNELS ?= 6.12 5.10 7.2 6.12-rt
CHECK_ARM64_KERNEL ?= 6.1
check: check-core
	$(Q)$(MAKE) --no-print-directory ship-test live-static
	$(Q)$(MAKE) --no-print-directory vmmatrix KERNELS="$(CHECK_KERNELS)" STRATEGIES=auto
	$(Q)$(MAKE) --no-print-directory vmtest-arm64 KERNEL=$(CHECK_ARM64_KERNEL) VM_PROBES=auto

check-core: deps lint
	$(Q)scripts/deps-serves.sh
	$(Q)$(MAKE) --no-print-directory all tests fuzz-build
	$(Q)scripts/check.sh --fuzz build-fuzz --vm $(OUT)

# The tree itself: includes follow user/STAGES, /proc is read in proc/ only,
# comments name what exists (scripts/check_tree.py; a second, no root).
lint:
	$(Q)$(PYTHON) scripts/check_tree.py --self-test
	$(Q)$(PYTHON) scripts/check_tree.py

tests: $(UNIT_BINS) $(LIVE_BINS) $(BENCH_BINS)

unit: $(UNIT_BINS)
	$(Q)scripts/check.sh --unit-only $(OUT)

live: all $(LIVE_BINS)
	$(Q)$(PYTHON) tests/live/run_live.py --build $(OUT)

# Debian's stock kernel under qemu (TCG): the live tests under fentry, kprobe
# and tracepoints, then all three side by side (tests/vm/). KERNEL=5.10, 6.1
# (the default), 6.12, 6.12-rt, 6.12-cloud, 7.2 or a kernel .deb.
vmtest: deps all tests
	$(Q)tests/vm/run.sh $(if $(KERNEL),--kernel $(KERNEL)) -- sh tests/vm/live.sh $(OUT)

# Every kernel (KERNELS, default all six) under auto and each strategy it
# allows (STRATEGIES, default: asked of each kernel), one VM per kernel, then
# a table of the results and times (tests/vm/matrix.sh).
.PHONY: vmmatrix
vmmatrix: deps all tests
	$(Q)tests/vm/matrix.sh --build $(OUT) $(if $(KERNELS),--kernels "$(KERNELS)") \
		$(if $(STRATEGIES),--strategies "$(STRATEGIES)")
# The same in an arm64 VM (qemu-system-aarch64, tests/vm/arm64/) on Debian's
# arm64 kernel KERNEL=6.1 (the default) or 6.12, cross-built into build/arm64.
# VM_PROBES (tests/vm/live.sh): the modes, default auto; arm64 6.1 allows
# "auto kprobe tracepoint", 6.12 all. Up to 15 minutes a mode (a suite takes
# 4-9 under TCG on 2 shared cores), then qemu is stopped.
ARM64_MODES = $(or $(VM_PROBES),auto)
vmtest-arm64:
	$(Q)scripts/deps.sh arm64
	$(Q)$(MAKE) --no-print-directory ARCH=arm64 all tests
	$(Q)tests/vm/run.sh --arch arm64 $(if $(KERNEL),--kernel $(KERNEL)) \
		--timeout $$((900 * $(words $(ARM64_MODES)) + 300)) -- \
		env VM_PROBES='$(ARM64_MODES)' sh tests/vm/live.sh build/arm64

# 10 minutes of bind/listen/connect/close at full speed (SOAK_SECONDS).
soak: all $(BENCH_BINS)
	$(Q)$(PYTHON) bench/run_bench.py soak --build $(OUT) --seconds $(or $(SOAK_SECONDS),600)

vmbench: deps all tests
	$(Q)tests/vm/run.sh -- $(PYTHON) bench/run_bench.py strategies --build $(OUT)

# BENCH_AGAINST=DIR: the bind/close loop also traced by DIR's portsnoop (another
# commit's build) in the same rounds.
bench: all $(BENCH_BINS)
	$(Q)$(PYTHON) bench/run_bench.py bindloop --build $(OUT) \
		$(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))
	$(Q)$(PYTHON) bench/run_bench.py churn --build $(OUT)
	$(Q)$(PYTHON) bench/run_bench.py snapshot --build $(OUT) \
		$(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))
	$(Q)$(PYTHON) bench/run_bench.py owners --build $(OUT)
	$(Q)$(PYTHON) bench/run_bench.py linecost --build $(OUT) -n 20000 \
		$(if $(BENCH_AGAINST),--against $(BENCH_AGAINST))
	$(Q)$(PYTHON) bench/run_bench.py rate --build $(OUT) -n 500000 --gens 1
	$(Q)$(PYTHON) bench/run_bench.py rate --build $(OUT) -n 500000 --gens 2
	$(Q)$(PYTHON) bench/history_bench.py --build $(OUT)

# Sanitizer build of everything in its own output folder, then all tests.
sanitize: deps
	$(Q)$(MAKE) --no-print-directory OUT=build-san CC=clang \
		EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer' \
		EXTRA_LDFLAGS='-fsanitize=address,undefined' all tests
	$(Q)scripts/check.sh build-san

# valgrind memcheck over the unit tests (no BPF: they need no root).
valgrind: $(UNIT_BINS)
	$(Q)for t in $(UNIT_BINS); do \
		valgrind -q --error-exitcode=9 --leak-check=full \
			--errors-for-leak-kinds=definite $$t > $$t.vg 2>&1 && \
			echo "PASS $$t (memcheck)" || { echo "FAIL $$t:"; cat $$t.vg; exit 1; }; \
	done

# libFuzzer harnesses for every parser (tests/fuzz/fuzz_*.c), built with
# ASan+UBSan in build-fuzz/. `make fuzz` runs each FUZZ_SECONDS; the short,
# seeded run is part of `make check`. New inputs land in a scratch corpus;
# crashes in tests/fuzz/crashes/.
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all

fuzz-build:
	$(Q)$(MAKE) --no-print-directory OUT=build-fuzz CC=clang \
		EXTRA_CFLAGS='-fsanitize=fuzzer-no-link $(FUZZ_SAN) -fno-omit-frame-pointer' \
		$(patsubst %,build-fuzz/fuzz/%,$(FUZZ_NAMES))

$(OUT)/fuzz/%: tests/fuzz/%.c $(CORE_OBJS) | $(OUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $< $(CORE_OBJS) $(NAT_LIBS) -lz -lpthread -o $@

fuzz: deps fuzz-build
	$(Q)scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

fuzz-short: fuzz-build
	$(Q)scripts/fuzz.sh build-fuzz short

vmlinux:
	$(call msg,GEN,$(VMLINUX))
	$(Q)mkdir -p $(dir $(VMLINUX))
	$(Q)$(BPFTOOL) btf dump file $${VMLINUX_BTF:-/sys/kernel/btf/vmlinux} format c > $(VMLINUX).tmp
	$(Q)mv $(VMLINUX).tmp $(VMLINUX)

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c | $(OUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/portsnoop.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUT)/portsnoop.skel.h: $(OUT)/portsnoop.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name portsnoop_bpf > $@

$(OUT)/user/loader/tracer.o $(OUT)/user/loader/tracer_io.o $(OUT)/user/loader/attach.o: $(OUT)/portsnoop.skel.h
$(OUT)/user/loader/%.o: CFLAGS += $(LIBBPF_CFLAGS)

$(APP_OBJS): $(OUT)/user/%.o: user/%.c | $(USER_DIRS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/portsnoop: $(APP_OBJS) | $(filter %.a,$(NAT_LIBS))
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(NAT_LIBS) $(LIBBPF_LIBS) -lz -lpthread -o $@

$(OUT)/tests/test_%: tests/unit/test_%.c $(CORE_OBJS) | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(CORE_OBJS) $(NAT_LIBS) -lz -lcmocka -lpthread -o $@

$(OUT)/tests/%: tests/live/%.c | $(OUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

COMPAT_CC ?= arm-linux-gnueabihf-gcc
$(OUT)/tests/sockwork32: tests/live/sockwork.c | $(OUT)/tests
	$(call msg,CC32,$@)
	$(Q)$(COMPAT_CC) -O2 -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -static $< -o $@

$(OUT)/bench/%: bench/%.c | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

# The formatting cost per line: the output stage's objects, no kernel.
$(OUT)/bench/linecost: bench/linecost.c $(CORE_OBJS) | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $< $(CORE_OBJS) $(NAT_LIBS) -lz -lpthread -o $@

# bench's own BPF programs, each with its skeleton (name X_bpf): the empty
# programs of the overhead floor (floor), the owners iterator as a CO-RE
# program (owners_core).
$(OUT)/bench/%.bpf.o: bench/%.bpf.c | $(OUT)/bench
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/bench/%.skel.h: $(OUT)/bench/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

.SECONDARY: $(OUT)/bench/floor.bpf.o $(OUT)/bench/owners_core.bpf.o

# The overhead floor's loader. It mounts tracefs as portsnoop does where
# none is (user/proc/mounts.c).
$(OUT)/bench/floor: bench/floor.c $(OUT)/bench/floor.skel.h $(OUT)/user/proc/mounts.o | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LIBBPF_CFLAGS) -I$(OUT)/bench $(LDFLAGS) $< \
		$(OUT)/user/proc/mounts.o $(LIBBPF_LIBS) -o $@

# The owners iterator as a CO-RE program with a skeleton, against the one
# user/loader/owners_iter.c builds by hand (bench/owners.c).
OWNERS_OBJS := $(addprefix $(OUT)/user/,loader/owners_iter.o kernel/btfscan.o proc/owners.o)
$(OUT)/bench/owners: bench/owners.c $(OUT)/bench/owners_core.skel.h $(OWNERS_OBJS) | $(OUT)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(LIBBPF_CFLAGS) -I$(OUT)/bench $(LDFLAGS) $< \
		$(OWNERS_OBJS) $(LIBBPF_LIBS) -o $@

$(OUT)/bpf $(USER_DIRS) $(OUT)/tests $(OUT)/bench $(OUT)/fuzz:
	$(Q)mkdir -p $@

install: all
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 0755 $(OUT)/portsnoop $(DESTDIR)$(PREFIX)/sbin/portsnoop
	$(Q)install -D -m 0644 docs/man/portsnoop.8 $(DESTDIR)$(PREFIX)/share/man/man8/portsnoop.8
	$(Q)install -D -m 0644 docs/schema/portsnoop.schema.json \
		$(DESTDIR)$(PREFIX)/share/portsnoop/portsnoop.schema.json
	$(Q)sed 's|/usr/local/sbin/portsnoop|$(PREFIX)/sbin/portsnoop|' deploy/portsnoop.service \
		> $(OUT)/portsnoop.service
	$(Q)install -D -m 0644 $(OUT)/portsnoop.service \
		$(DESTDIR)$(UNITDIR)/portsnoop.service
	$(Q)sed 's|/usr/local/sbin/portsnoop|$(PREFIX)/sbin/portsnoop|' deploy/portsnoop-metrics.conf \
		> $(OUT)/portsnoop-metrics.conf
	$(Q)install -D -m 0644 $(OUT)/portsnoop-metrics.conf \
		$(DESTDIR)$(PREFIX)/share/portsnoop/portsnoop-metrics.conf
	$(Q)install -D -m 0644 deploy/portsnoop.logrotate $(DESTDIR)/etc/logrotate.d/portsnoop

clean:
	$(call msg,CLEAN,$(OUT))
	$(Q)rm -rf build build-san build-fuzz

-include $(wildcard $(OUT)/bpf/*.d $(OUT)/user/*/*.d $(OUT)/tests/*.d $(OUT)/bench/*.d)

# --- Shipping: a static binary, an OCI image, a Debian package -----------
# (scripts/deps-ship.sh installs the tools; tests/ship/ proves the result.)
VERSION     := $(shell sed -n 's/^\#define PS_VERSION "\(.*\)"/\1/p' user/lib/version.h)
STATIC      := $(OUT)/static
IMAGE       := localhost/portsnoop:$(VERSION)
IMAGE_TAR   := build/portsnoop-$(VERSION).oci.tar
DEB_ARCH     = $(shell dpkg --print-architecture)

.PHONY: static image deb ship-deps ship-test live-static vmtest-static

ship-deps:
	$(Q)scripts/deps-ship.sh

# The same sources and rules, linked with -static into their own folder;
# the live tests' helpers too, so `make live-static` runs the suite on it.
static: deps ship-deps
	$(Q)$(MAKE) -s --no-print-directory OUT=$(STATIC) EXTRA_LDFLAGS=-static \
		LIBBPF_LIBS='$(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)' \
		NAT_LIBS='-lnftnl $(STATIC)/compat/libmnl.a' $(STATIC)/compat/libmnl.a \
		$(STATIC)/portsnoop $(patsubst $(OUT)/%,$(STATIC)/%,$(LIVE_BINS)) $(STATIC)/bench/bindloop
	$(Q)file -L $(STATIC)/portsnoop | grep -q 'statically linked' || \
		{ echo "static: $(STATIC)/portsnoop is not statically linked" >&2; exit 1; }

# Debian ships no libmnl.a (nor, on these machines' archive, libmnl's source):
# libnftnl.a's calls into libmnl go to compat/libmnl.c (docs/nat.md).
$(OUT)/compat/libmnl.a: compat/libmnl.c
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $(@:.a=.o)
	$(Q)$(AR) rcs $@ $(@:.a=.o)

live-static: static
	$(Q)$(PYTHON) tests/live/run_live.py --build $(STATIC)

# The static binary under Debian's stock kernel in qemu, every strategy.
vmtest-static: static
	$(Q)tests/vm/run.sh -- sh tests/vm/live.sh $(STATIC)

# From scratch: the static binary and the schema, tagged $(IMAGE), saved as
# an OCI archive (`podman load -i`, `skopeo copy oci-archive:...`).
image: static
	$(call msg,IMAGE,$(IMAGE_TAR))
	$(Q)scripts/image.sh $(STATIC)/portsnoop $(VERSION) $(IMAGE_TAR)

# The deployment, proven (tests/ship/): the image run by podman as
# deploy/daemonset.yaml runs it; the .deb installed, checked and purged.
ship-test: image deb
	$(Q)tests/ship/deb.sh build/deb/portsnoop_$(VERSION)_$(DEB_ARCH).deb $(VERSION)
	$(Q)$(PYTHON) tests/ship/container.py --image $(IMAGE_TAR) --build $(STATIC) \
		--figures build/ship-figures.json

# debian/ built with dpkg-buildpackage -b (debhelper), checked by lintian:
# build/deb/portsnoop_$(VERSION)_ARCH.deb.
deb: deps ship-deps
	$(call msg,DEB,build/deb/portsnoop_$(VERSION)_$(DEB_ARCH).deb)
	$(Q)scripts/deb.sh $(VERSION)
