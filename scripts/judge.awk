# Judge one scenario's result file: print the row's outcome, one word.
#   PATH[/DMA_PATH] when every device of the kind verified its I/O (PATH is
#   n/a in a kernel without DMA-API debug), else
#   the first failure (status, io-bad, disk-bad, dma-errors, warnings).
# usage: awk -v kind=KIND -f judge.awk OUTDIR/result
function field(name,   i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return ""
}
BEGIN {
	idx["legacy"] = 1; idx["transitional"] = 2
	idx["modern"] = 3; idx["modern-ap"] = 4
	mac = "52:54:00:12:0" idx[kind] ":0"
}
/^VTEST dev / {
	tag = field("tag")
	if (tag != kind && index(tag, mac) != 1)
		next
	ndev++
	if (field("io") !~ /^ok/ && !bad)
		bad = "io-bad"
	p = field("path"); d = field("dma_path")
	if (d != "n/a")
		p = p "/" d
	if (path == "")
		path = p
	else if (path != p)
		path = path "|" p
}
/^VTEST dmadebug / && field("available") == "1" && field("errors") != "0" && !bad { bad = "dma-errors" }
/^VTEST kmsg warnings=/ && field("warnings") != "0" && !bad { bad = "warnings" }
/^HOST status=/ { status = field("status") }
/^HOST disk / && field("check") != "ok" && !bad { bad = "disk-bad" }
/^HOST qemu: .*Guest says index/ { broken = ":qemu-index-error" }
END {
	if (status != "ok")
		print (status == "" ? "no-result" : status) broken
	else if (bad)
		print bad
	else if (ndev != 3)
		print "devices=" ndev
	else
		print path
}
