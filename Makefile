# virtio: DMA API for every device -- the series and the harness that proves it.
# See README.md.  Every target is a small script in scripts/.
S := scripts

.PHONY: demo check deps tree export build-base build-series build-control \
	kunit matrix checkpatch sparse clean

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
kunit:
	$(S)/kunit.sh series
matrix:
	$(S)/matrix.sh base control series
checkpatch:
	$(S)/checkpatch.sh
sparse:
	$(S)/sparse.sh
# Removes the kernel tree and build output (not ccache): refuses if the
# tree has work that is not exported to patches/.
clean:
	$(S)/tree.sh --check-exported
	rm -rf build
