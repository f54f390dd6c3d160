# virtio: DMA API for every device -- the series and the harness that proves it.
# See README.md.  Every target is a small script in scripts/.
S := scripts

.PHONY: demo check deps tree export build-base build-series build-control \
	build-nodebug kunit matrix checkpatch sparse kernel-doc bisect cross upstream-check \
	results bench mutants clean

# The main job: build the series and show what each virtio device gets.
demo: tree build-series
	$(S)/demo.sh series intel translated

# Every test.
check:
	$(S)/check.sh

deps:
	$(S)/deps.sh
tree: deps
	$(S)/tree.sh
export:
	$(S)/export.sh
build-base build-series build-control: build-%:
	$(S)/build.sh $*
build-nodebug:
	$(S)/build.sh series-nodebug
kunit:
	$(S)/kunit.sh series
matrix:
	$(S)/matrix.sh base control series series-nodebug
checkpatch:
	$(S)/checkpatch.sh
sparse:
	$(S)/sparse.sh
kernel-doc:
	$(S)/kdoc.sh
bisect:
	@mkdir -p build/results
	$(S)/bisect.sh >build/results/bisect.tap; r=$$?; cat build/results/bisect.tap; exit $$r
cross:
	@mkdir -p build/results
	$(S)/deps.sh cross
	$(S)/cross.sh >build/results/cross.txt; r=$$?; cat build/results/cross.txt; exit $$r
# Everything maintainers would run (long: not part of check).
upstream-check:
	$(S)/upstream-check.sh
# Every KUnit-named behaviour reverted once: KUnit must fail on each mutant.
mutants:
	$(S)/mutants.sh
# virtio_ring benchmark, base vs series, alternating UML runs (issue: cost).
bench:
	$(S)/bench.sh
# Test results into harness/test-results.txt, for the cover letter.
results:
	$(S)/results.sh
# Removes the kernel tree and build output (not ccache): refuses if the
# tree has work that is not exported to patches/.
clean:
	$(S)/tree.sh --check-exported
	rm -rf build
