# tzshare build. `make demo`, `make check`, `make bench` are the entry points.
#
#   make            release build into build/
#   make check      deps, freestanding check of the cores, tests (release),
#                   tests under ASan+UBSan (build-san/), fuzz smoke run
#   make demo       the end-to-end demo
#   make bench      every benchmark
#
# Layout: core/<layer>/*.c are portable (freestanding) cores -> libtzcore.a;
# hosted/<part>/*.c are POSIX glue -> libtzhost.a, except hosted/<part>/main.c
# which is the entry point of a program.

O ?= build
SAN ?= 0
CC ?= cc

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -g $(WARN) -Iinclude -MMD -MP
ifeq ($(SAN),1)
CFLAGS_OPT := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS_SAN := -fsanitize=address,undefined
else
CFLAGS_OPT := -O2
LDFLAGS_SAN :=
endif
CFLAGS_ALL := $(CFLAGS_BASE) $(CFLAGS_OPT) $(CFLAGS)
LDLIBS := -lpthread

CORE_SRCS := $(sort $(wildcard core/*/*.c))
HOST_MAINS := $(sort $(wildcard hosted/*/main.c))
HOST_SRCS := $(filter-out $(HOST_MAINS),$(sort $(wildcard hosted/*/*.c)))
HARNESS_SRCS := $(sort $(wildcard tests/harness/*.c))
SERVICE_SRCS := $(sort $(wildcard tests/system/services/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/*/*_test.c tests/conformance/*_test.c tests/system/*_test.c))
BENCH_SRCS := $(sort $(wildcard bench/*.c))

CORE_OBJS := $(CORE_SRCS:%.c=$(O)/obj/%.o)
HOST_OBJS := $(HOST_SRCS:%.c=$(O)/obj/%.o)
HARNESS_OBJS := $(HARNESS_SRCS:%.c=$(O)/obj/%.o)
SERVICE_OBJS := $(SERVICE_SRCS:%.c=$(O)/obj/%.o)

CORE_LIB := $(O)/lib/libtzcore.a
HOST_LIB := $(O)/lib/libtzhost.a

# hosted/spmc/main.c -> tzshare-spmc, hosted/sp/main.c -> tzshare-sp,
# hosted/cli/main.c -> tzshare
prog_name = $(if $(filter cli,$(1)),tzshare,tzshare-$(1))
PROGS := $(foreach m,$(HOST_MAINS),$(O)/bin/$(call prog_name,$(notdir $(patsubst %/,%,$(dir $(m))))))
TEST_SP := $(if $(SERVICE_SRCS),$(O)/bin/tzshare-test-sp)
TEST_BINS := $(TEST_SRCS:%.c=$(O)/%)
BENCH_BINS := $(BENCH_SRCS:%.c=$(O)/%)

# Keep objects: they are intermediates of pattern rules.
.SECONDARY:

.PHONY: all tests benches check demo bench deps freestanding clean format fuzz-smoke print-core-srcs

all: $(PROGS) $(TEST_SP)

tests: all $(TEST_BINS)

benches: all $(BENCH_BINS)

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(O)/obj/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/harness -Wno-missing-prototypes -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(HOST_LIB): $(HOST_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define prog_rule
$(O)/bin/$(call prog_name,$(1)): $(O)/obj/hosted/$(1)/main.o $(HOST_LIB) $(CORE_LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_SAN) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach m,$(HOST_MAINS),$(eval $(call prog_rule,$(notdir $(patsubst %/,%,$(dir $(m)))))))

$(O)/bin/tzshare-test-sp: $(SERVICE_OBJS) $(HOST_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LDLIBS)

$(O)/tests/%: $(O)/obj/tests/%.o $(HARNESS_OBJS) $(HOST_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LDLIBS)

$(O)/bench/%: $(O)/obj/bench/%.o $(HOST_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LDLIBS)

# Every core must build freestanding: only the compiler's own headers
# (stdint.h, stddef.h, stdbool.h) are on the include path.
GCC_INC := $(shell $(CC) -print-file-name=include)
freestanding:
	@for f in $(CORE_SRCS); do \
		$(CC) -std=c11 -ffreestanding -nostdinc -isystem $(GCC_INC) \
			-Iinclude $(WARN) -fsyntax-only $$f || exit 1; \
	done
	@echo "freestanding: $(words $(CORE_SRCS)) core files build with -ffreestanding -nostdinc"

deps:
	@bash scripts/install-deps.sh

check: deps freestanding
	$(MAKE) O=build SAN=0 tests
	$(MAKE) O=build-san SAN=1 tests
	FUZZ_SECONDS=$${FUZZ_SECONDS:-15} bash tests/fuzz/run.sh
	bash tests/run.sh build build-san

fuzz-smoke:
	bash tests/fuzz/run.sh

print-core-srcs:
	@echo $(CORE_SRCS)

demo: all
	./$(O)/bin/tzshare demo

bench: benches
	bash bench/run.sh $(O)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
