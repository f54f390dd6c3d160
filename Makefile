# virtio: DMA API for every device -- the series and the harness that proves it.
# See README.md.  Every target is a small script in scripts/; BASE=NAME
# (config/bases.tsv) picks the kernel base, default the first row.
S := scripts

.PHONY: demo check check-long selftest deps tree trees export export-v3 build-base build-series \
	build-control build-nodebug kunit kunit-v3 mutants-v3 results-v3 matrix harness-mutants checkpatch sparse \
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
# series v3 (patches-v3/, beside v2 until it takes over patches/), from its
# development branch v3-dev of the 7.3 work tree
export-v3:
	BASE=7.3 $(S)/export.sh --ref v3-dev --to patches-v3 --cover cover-letter-v3.txt --version 3
build-base build-series build-control: build-%:
	$(S)/build.sh $*
build-nodebug:
	$(S)/build.sh series-nodebug
kunit:
	$(S)/kunit.sh series
# series v3's suites: UML, then kunit.py --arch=x86_64 (the DMA core's)
kunit-v3:
	BASE=7.3 $(S)/kunit.sh v3
	BASE=7.3 $(S)/kunit.sh v3 x86_64
mutants-v3:
	BASE=7.3 $(S)/mutants.sh --variant v3
# v3's short results (harness/test-results-7.3-v3-dev.txt, the cover
# letter's @RESULTS@), then make export-v3
results-v3:
	BASE=7.3 $(S)/results-v3.sh
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
# Test results into harness/test-results-BASE.txt, for the cover letter.
results:
	$(S)/results.sh
# Removes the kernel trees and build output (not ccache): refuses if a tree
# has work that is not exported.
clean:
	for b in $$(grep -v '^#' config/bases.tsv | sed 1d | cut -f1); do \
		BASE=$$b $(S)/tree.sh --check-exported || exit 1; done
	rm -rf build
