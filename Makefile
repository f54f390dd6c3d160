# virtio: DMA API for every device -- the series and the harness that proves it.
# See README.md.  Every target is a small script in scripts/; BASE=NAME
# (config/bases.tsv) picks the kernel base, default the first row.
S := scripts

.PHONY: demo check check-long selftest deps tree trees export build-base build-series \
	build-control build-nodebug kunit mutants-v2 results results-full matrix harness-mutants checkpatch sparse \
	kernel-doc bisect cross upstream-check results bench mutants platforms lifecycle clean

# The main job: build the series and show what each virtio device gets.
demo: tree build-series
	$(S)/demo.sh series intel translated

# Every test that fits CI's budget (.ci/run).
check:
	$(S)/check.sh
# And what does not (v1's 6.12 backport, series-nodebug, v2's KUnit
# mutants): long, run and reported by hand.
check-long:
	LONG=1 $(S)/check.sh

# The harness's own tests, on recorded boots: seconds, no kernel build.
selftest:
	python3 $(S)/test_vdma.py

deps:
	$(S)/deps.sh
tree: deps
	$(S)/tree.sh
trees: deps
	for b in $$(grep -v '^#' config/bases.tsv | sed 1d | cut -f1); do \
		BASE=$$b $(S)/tree.sh || exit 1; done
export:
	$(S)/export.sh
build-base build-series build-control: build-%:
	$(S)/build.sh $*
build-nodebug:
	$(S)/build.sh series-nodebug
# The series' suites: UML, then kunit.py --arch=x86_64 (the DMA core's)
kunit:
	$(S)/kunit.sh series
	$(S)/kunit.sh series x86_64
# The KUnit mutants of the alternative (v2, alternatives/virtio-map-ops/)
mutants-v2:
	BASE=7.3 $(S)/mutants.sh --variant v2
matrix:
	$(S)/matrix.sh
harness-mutants:
	$(S)/harness-mutants.sh
checkpatch:
	$(S)/checkpatch.sh
sparse:
	$(S)/sparse.sh
kernel-doc:
	$(S)/kdoc.sh
bisect:
	$(S)/step.sh bisect $(S)/bisect.sh
cross:
	$(S)/deps.sh cross
	$(S)/step.sh cross $(S)/cross.sh
# Everything maintainers would run (long: not part of check).
upstream-check:
	$(S)/upstream-check.sh
# Every KUnit-named behaviour reverted once: KUnit must fail on each mutant.
mutants:
	$(S)/mutants.sh
# The seed's platforms booted (config/platforms.tsv; PLATFORMS="arm64 ...";
# long: not part of check).
platforms:
	$(S)/step.sh platforms $(S)/platforms.sh
# Lifecycle scenarios (config/lifecycle.tsv): rebinding, default domains,
# driver_override (long: not part of check).
lifecycle:
	$(S)/step.sh lifecycle $(S)/lifecycle.sh
# virtio_ring benchmark, base vs series, alternating UML runs (issue: cost).
bench:
	$(S)/bench.sh
# Short results into harness/test-results-BASE.txt (the cover letter's
# @RESULTS@; after make check), then make export.
results:
	$(S)/results-brief.sh
# The full per-row tables with their provenance (v1's cover letter form).
results-full:
	$(S)/results.sh
# Removes the kernel trees and build output (not ccache): refuses if a tree
# has work that is not exported.
clean:
	for b in $$(grep -v '^#' config/bases.tsv | sed 1d | cut -f1); do \
		BASE=$$b $(S)/tree.sh --check-exported || exit 1; done
	rm -rf build
