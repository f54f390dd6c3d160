# virtio: DMA API for every device -- the series and the harness that proves it.
# See README.md.  Every target is a stage of one tool, scripts/vdma.py (the
# steps of one: python3 scripts/vdma.py STAGE --plan, where it has them);
# BASE=NAME (config/bases.tsv) picks the kernel base, default the first row.
V := python3 scripts/vdma.py

.PHONY: demo check check-long selftest deps tree trees export build-base build-series \
	build-control build-nodebug kunit mutants-v2 results results-full matrix harness-mutants checkpatch sparse \
	kernel-doc bisect cross upstream-check bench mutants platforms lifecycle clean

# The main job: build the series and show what each virtio device gets.
# KTREE=~/linux: build and boot that kernel tree as it is checked out (the
# series applied with git am), judged as the series (VARIANT=base: as 7.3).
VARIANT ?= series
ifdef KTREE
demo: deps
	$(V) demo --ktree $(KTREE) $(VARIANT) intel translated
else
demo: tree build-$(VARIANT)
	$(V) demo $(VARIANT) intel translated
endif

# Every test that fits CI's budget (.ci/run).
check:
	$(V) check
# And what does not (v1's 6.12 backport; the base, the control, series-xen,
# the *-nodebug kernels and v2 with all its tests): long, run and reported
# by hand.
check-long:
	$(V) check --long

# The harness's own tests, on recorded boots, and its lint: seconds, no
# kernel build.
selftest:
	$(V) selftest

deps:
	$(V) deps
tree: deps
	$(V) tree
trees: deps
	$(V) tree --all
export:
	$(V) export
build-base build-series build-control: build-%:
	$(V) build $*
build-nodebug:
	$(V) build series-nodebug
# The series' suites: UML, then kunit.py --arch=x86_64 (the DMA core's)
kunit:
	$(V) kunit
# The KUnit mutants of the alternative (v2, alternatives/virtio-map-ops/, on
# the primary base)
mutants-v2:
	$(V) mutants --variant v2
matrix:
	$(V) matrix
harness-mutants:
	$(V) harness-mutants
checkpatch:
	$(V) checkpatch
sparse:
	$(V) sparse
kernel-doc:
	$(V) kernel-doc
bisect:
	$(V) bisect
cross:
	$(V) cross
# Everything maintainers would run (long: not part of check).
upstream-check:
	$(V) upstream-check
# Every KUnit-named behaviour reverted once: KUnit must fail on each mutant.
mutants:
	$(V) mutants
# The seed's platforms booted (config/platforms.tsv; PLATFORMS="arm64 ...",
# VARIANTS="series ...";
# long: not part of check).
platforms:
	$(V) platforms
# Lifecycle scenarios (config/lifecycle.tsv): rebinding, default domains,
# driver_override (long: not part of check).
lifecycle:
	$(V) lifecycle
# virtio_ring benchmark, base vs series, alternating UML runs (issue: cost).
bench:
	$(V) bench
# Short results into bases/BASE/test-results.txt (the cover letter's
# @RESULTS@; after make check), then make export.
results:
	$(V) results-brief
# The full per-row tables with their provenance (v1's cover letter form).
results-full:
	$(V) results-full
# Removes the kernel trees and build output (not ccache): refuses if a tree
# has work that is not exported.
clean:
	$(V) clean
