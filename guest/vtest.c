// SPDX-License-Identifier: GPL-2.0
/*
 * vtest - /init of the virtio DMA test initramfs.
 *
 * As PID 1: list every virtio device, classify its transport and DMA path
 * (from the DMA-API debug dump), verify I/O on virtio-blk/net/rng, print
 * "VTEST ..." lines on the console and reboot.
 *
 * Host mode (not PID 1), for the disk images:
 *   vtest --mkimg FILE SERIAL     create the 1 MiB image, pattern in 1st half
 *   vtest --checkimg FILE SERIAL  check the guest's writes in the 2nd half
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECT		512
#define HALF		1024		/* sectors in half of the image */
#define CHUNK		(64 * 1024)
#define MAXDEV		64
#define ETH_P_VTEST	0x88B5
#define NFRAMES		64
#define FRAME		(14 + 1000)	/* Ethernet header + payload */
#define DUMP		"/sys/kernel/debug/dma-api/dump"

struct vdev {
	char name[32];		/* virtioN */
	char ppath[256];	/* sysfs path of the parent (transport) device */
	const char *parent;	/* its name, e.g. 0000:00:03.0 */
	const char *transport;
	char id[16], kind[16], tag[32], type[16], dma_path[32], io[48];
	char ifname[IFNAMSIZ], disk[32];
	unsigned char mac[6];
	int vtype, ap;
};

struct dmap {			/* one DMA-API debug dump entry */
	char dev[64], type[24];
	unsigned long long p, d, l;
};

struct maps {
	struct dmap *e;
	int n, cap;
	int avail;	/* DMA-API debug's dump exists: paths can be told */
};

static int sfmt(char *d, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(d, len, fmt, ap);
	va_end(ap);
	return n;
}

/* One line on the console, written with a single write(). */
static void out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	n = n < 0 ? 0 : n > (int)sizeof(buf) - 2 ? (int)sizeof(buf) - 2 : n;
	buf[n++] = '\n';
	if (write(1, buf, n) < 0)
		return;
}

/* Read the small file named by fmt into buf, trailing whitespace stripped. */
static int sysread(char *buf, size_t len, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	ssize_t n;
	int fd;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* ---- disk pattern ---- */

static uint8_t pat(unsigned int seed, unsigned int s, unsigned int i)
{
	return (uint8_t)(seed * 131 + s * 7 + i * 13);
}

static unsigned int serial_seed(const char *serial)
{
	unsigned int sum = 0;

	while (*serial)
		sum += (unsigned char)*serial++;
	return sum & 0xff;
}

static void fill(uint8_t *buf, unsigned int seed, unsigned int s0, int nsect)
{
	for (int s = 0; s < nsect; s++)
		for (int i = 0; i < SECT; i++)
			buf[s * SECT + i] = pat(seed, s0 + s, i);
}

/* Read and check sectors [s0, s0 + HALF): first bad sector, -2 on error, -1 ok. */
static int check_half(int fd, uint8_t *buf, unsigned int seed, unsigned int s0)
{
	for (unsigned int s = s0; s < s0 + HALF; s += CHUNK / SECT) {
		if (pread(fd, buf, CHUNK, (off_t)s * SECT) != CHUNK)
			return -2;
		for (int i = 0; i < CHUNK; i++)
			if (buf[i] != pat(seed, s + i / SECT, i % SECT))
				return s + i / SECT;
	}
	return -1;
}

static int host_mode(int argc, char **argv)
{
	static uint8_t buf[HALF * SECT];
	unsigned int seed;
	int fd, bad;

	if (argc != 4) {
		fprintf(stderr, "usage: vtest --mkimg|--checkimg FILE SERIAL\n");
		return 2;
	}
	seed = serial_seed(argv[3]);
	if (!strcmp(argv[1], "--mkimg")) {
		fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		fill(buf, seed, 0, HALF);
		if (fd < 0 || write(fd, buf, sizeof(buf)) != sizeof(buf) ||
		    ftruncate(fd, 2 * sizeof(buf)) || close(fd)) {
			perror(argv[2]);
			return 1;
		}
		return 0;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || strcmp(argv[1], "--checkimg")) {
		perror(argv[2]);
		return 2;
	}
	bad = check_half(fd, buf, seed ^ 0xA5, HALF);	/* guest's writes */
	if (bad == -1)
		bad = check_half(fd, buf, seed, 0);	/* 1st half untouched */
	if (bad == -2)
		printf("bad:short\n");
	else if (bad >= 0)
		printf("bad@%d\n", bad);
	else
		printf("ok\n");
	return bad != -1;
}

/* ---- DMA-API debug dump, deduplicated over several reads ---- */

static void read_dump(struct maps *m)
{
	FILE *f = fopen(DUMP, "r");
	char line[512], drv[64];
	struct dmap e;
	int i;

	m->avail = f != NULL;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s %23s idx %*d P=%llx D=%llx L=%llx",
			   drv, e.dev, e.type, &e.p, &e.d, &e.l) != 6)
			continue;
		for (i = 0; i < m->n; i++)
			if (m->e[i].p == e.p && m->e[i].d == e.d && m->e[i].l == e.l &&
			    !strcmp(m->e[i].dev, e.dev) && !strcmp(m->e[i].type, e.type))
				break;
		if (i < m->n)
			continue;
		if (m->n == m->cap) {
			m->cap = m->cap ? 2 * m->cap : 256;
			m->e = realloc(m->e, m->cap * sizeof(*m->e));
			if (!m->e)
				exit(1);
		}
		m->e[m->n++] = e;
	}
	if (f)
		fclose(f);
}

/* ---- device discovery ---- */

static int pci_has_common_cfg(const char *addr)
{
	unsigned char cfg[256];
	char path[128];
	int fd, n, ptr, loops = 48;

	sfmt(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, cfg, sizeof(cfg));
	close(fd);
	if (n < 64 || !(cfg[0x06] & 0x10))
		return 0;
	for (ptr = cfg[0x34] & 0xfc; ptr && ptr + 4 <= n && loops--;
	     ptr = cfg[ptr + 1] & 0xfc)
		if (cfg[ptr] == 0x09 && cfg[ptr + 3] == 1)
			return 1;	/* VIRTIO_PCI_CAP_COMMON_CFG */
	return 0;
}

static void probe_transport(struct vdev *v)
{
	char buf[256] = "", drv[256] = "";
	unsigned long id;

	v->transport = "other";
	if (!sysread(buf, sizeof(buf), "/sys/bus/pci/devices/%s/vendor", v->parent) &&
	    !strcmp(buf, "0x1af4")) {
		v->transport = "pci";
		sysread(v->id, sizeof(v->id), "/sys/bus/pci/devices/%s/device", v->parent);
		id = strtoul(v->id, NULL, 16);
		if (id >= 0x1040)
			strcpy(v->kind, "modern");
		else if (id >= 0x1000 && id <= 0x103f)
			strcpy(v->kind, pci_has_common_cfg(v->parent) ?
			       "transitional" : "legacy");
		return;
	}
	sfmt(buf, sizeof(buf), "%s/driver", v->ppath);
	if (strstr(v->ppath, "virtio-mmio") ||
	    (realpath(buf, drv) && strstr(drv, "/virtio-mmio")))
		v->transport = "mmio";
}

/* Name of the first entry of a directory, e.g. the netdev or the disk. */
static int first_entry(char *name, size_t len, const char *fmt, const char *arg)
{
	struct dirent *e = NULL;
	char dir[256];
	DIR *d;

	sfmt(dir, sizeof(dir), fmt, arg);
	d = opendir(dir);
	while (d && (e = readdir(d)) && e->d_name[0] == '.')
		;
	if (d && e)
		sfmt(name, len, "%s", e->d_name);
	if (d)
		closedir(d);
	return d && e ? 0 : -1;
}

static void probe(struct vdev *v)
{
	static const char *names[24] = { [1] = "net", [2] = "blk", [3] = "console",
		[4] = "rng", [5] = "balloon", [8] = "scsi", [9] = "9p",
		[16] = "gpu", [18] = "input", [19] = "vsock", [23] = "iommu" };
	const char *sys = "/sys/bus/virtio/devices/%s/%s";
	char buf[256], *slash;

	strcpy(v->id, "-");
	strcpy(v->kind, "-");
	strcpy(v->tag, "-");
	strcpy(v->io, "n/a");
	sfmt(buf, sizeof(buf), "/sys/bus/virtio/devices/%s", v->name);
	if (!realpath(buf, v->ppath))
		strcpy(v->ppath, "/-/-");
	slash = strrchr(v->ppath, '/');
	*slash = '\0';
	v->parent = strrchr(v->ppath, '/') + 1;
	probe_transport(v);

	sysread(buf, sizeof(buf), sys, v->name, "device");
	v->vtype = strtol(buf, NULL, 0);
	if (v->vtype > 0 && v->vtype < 24 && names[v->vtype])
		sfmt(v->type, sizeof(v->type), "%s", names[v->vtype]);
	else
		sfmt(v->type, sizeof(v->type), "%d", v->vtype);
	sysread(buf, sizeof(buf), sys, v->name, "features");
	v->ap = strlen(buf) > 33 && buf[33] == '1';	/* VIRTIO_F_ACCESS_PLATFORM */
	if (sysread(v->dma_path, sizeof(v->dma_path), "%s/dma_path", v->ppath) ||
	    !v->dma_path[0])
		strcpy(v->dma_path, "n/a");
	v->dma_path[strcspn(v->dma_path, " \t\n")] = '\0';

	if (v->vtype == 2 && !first_entry(v->disk, sizeof(v->disk),
					  "/sys/bus/virtio/devices/%s/block", v->name)) {
		if (!sysread(buf, sizeof(buf), "/sys/block/%s/serial", v->disk) && buf[0])
			sfmt(v->tag, sizeof(v->tag), "%s", buf);
	} else if (v->vtype == 1 && !first_entry(v->ifname, sizeof(v->ifname),
						 "/sys/bus/virtio/devices/%s/net", v->name)) {
		sysread(v->tag, sizeof(v->tag), "/sys/class/net/%s/address", v->ifname);
		sscanf(v->tag, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &v->mac[0],
		       &v->mac[1], &v->mac[2], &v->mac[3], &v->mac[4], &v->mac[5]);
	}
}

static int cmp_vdev(const void *a, const void *b)
{
	return atoi(((const struct vdev *)a)->name + 6) -
	       atoi(((const struct vdev *)b)->name + 6);
}

static int scan(struct vdev *devs)
{
	DIR *d = opendir("/sys/bus/virtio/devices");
	struct dirent *e;
	int n = 0;

	while (d && n < MAXDEV && (e = readdir(d)))
		if (!strncmp(e->d_name, "virtio", 6))
			sfmt(devs[n++].name, sizeof(devs->name), "%s", e->d_name);
	if (d)
		closedir(d);
	qsort(devs, n, sizeof(*devs), cmp_vdev);
	for (int i = 0; i < n; i++)
		probe(&devs[i]);
	return n;
}

/* ---- I/O tests, each run in a child with a watchdog ---- */

static int blk_test(const struct vdev *v, char *res, size_t len)
{
	unsigned int seed = serial_seed(v->tag);
	char path[64];
	uint8_t *buf;
	int fd, bad;

	sfmt(path, sizeof(path), "/dev/%s", v->disk);
	fd = open(path, O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, 4096, CHUNK))
		return sfmt(res, len, "bad:open");
	bad = check_half(fd, buf, seed, 0);
	if (bad != -1)
		return sfmt(res, len, bad == -2 ? "bad:readerr" : "bad:read@%d", bad);
	for (unsigned int s = HALF; s < 2 * HALF; s += CHUNK / SECT) {
		fill(buf, seed ^ 0xA5, s, CHUNK / SECT);
		if (pwrite(fd, buf, CHUNK, (off_t)s * SECT) != CHUNK)
			return sfmt(res, len, "bad:write@%u", s);
	}
	if (fsync(fd))
		return sfmt(res, len, "bad:fsync");
	bad = check_half(fd, buf, seed ^ 0xA5, HALF);
	if (bad != -1)
		return sfmt(res, len, bad == -2 ? "bad:readbackerr" : "bad:readback@%d", bad);
	return sfmt(res, len, "ok");
}

static void rng_test(char *res, size_t len)
{
	char buf[16];
	int fd = open("/dev/hwrng", O_RDONLY);

	sfmt(res, len, fd >= 0 && read(fd, buf, sizeof(buf)) > 0 ? "ok" : "bad");
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void frame(uint8_t *f, const struct vdev *a, const struct vdev *b, int seq)
{
	memcpy(f, b->mac, 6);
	memcpy(f + 6, a->mac, 6);
	f[12] = ETH_P_VTEST >> 8;
	f[13] = ETH_P_VTEST & 0xff;
	memcpy(f + 14, "VTST", 4);
	f[18] = seq;
	for (int i = 19; i < FRAME; i++)
		f[i] = (uint8_t)(seq * 37 + i * 11 + 5);
}

/* Receive frames from a for up to ms; mark good[seq], count corrupt ones. */
static void rx_frames(int rx, const struct vdev *a, const struct vdev *b,
		      int ms, char *good, int *corrupt)
{
	uint8_t f[2048], want[FRAME];
	struct pollfd pfd = { .fd = rx, .events = POLLIN };

	for (; poll(&pfd, 1, ms) > 0; ms = 0) {
		ssize_t n = recv(rx, f, sizeof(f), MSG_DONTWAIT);

		if (n < 19 || memcmp(f + 6, a->mac, 6) || memcmp(f + 14, "VTST", 4))
			continue;
		if (f[18] < NFRAMES)
			frame(want, a, b, f[18]);
		if (f[18] >= NFRAMES || n != FRAME || memcmp(f, want, n))
			(*corrupt)++;
		else
			good[f[18]] = 1;
	}
}

/* Send NFRAMES raw frames from a to b over their QEMU hub. */
static int net_test(const struct vdev *a, const struct vdev *b, char *res, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6,
				  .sll_protocol = htons(ETH_P_VTEST) };
	struct sockaddr_ll at = to;
	char good[NFRAMES] = { 0 }, buf[16];
	int tx, rx, ngood = 0, corrupt = 0, bufsz = 1 << 20;
	uint8_t f[FRAME];
	long t0;

	sysread(buf, sizeof(buf), "/sys/class/net/%s/ifindex", a->ifname);
	to.sll_ifindex = atoi(buf);
	sysread(buf, sizeof(buf), "/sys/class/net/%s/ifindex", b->ifname);
	at.sll_ifindex = atoi(buf);
	memcpy(to.sll_addr, b->mac, 6);
	tx = socket(AF_PACKET, SOCK_RAW, 0);
	rx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_VTEST));
	setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz));
	if (tx < 0 || rx < 0 || bind(rx, (struct sockaddr *)&at, sizeof(at)))
		return sfmt(res, len, "bad:socket");
	rx_frames(rx, a, b, 0, good, &corrupt);		/* drain pre-bind frames */
	corrupt = 0;
	frame(f, a, b, 0);
	for (t0 = now_ms(); !good[0] && now_ms() - t0 < 3000;) {	/* link up? */
		sendto(tx, f, FRAME, 0, (struct sockaddr *)&to, sizeof(to));
		rx_frames(rx, a, b, 100, good, &corrupt);
	}
	if (!good[0])
		return sfmt(res, len, "bad:nolink");
	for (int seq = 1; seq < NFRAMES; seq++) {
		frame(f, a, b, seq);
		if (sendto(tx, f, FRAME, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			usleep(10000);
		rx_frames(rx, a, b, 0, good, &corrupt);
	}
	for (t0 = now_ms(); now_ms() - t0 < 5000 && memchr(good, 0, NFRAMES);)
		rx_frames(rx, a, b, 100, good, &corrupt);
	for (int i = 0; i < NFRAMES; i++)
		ngood += good[i];
	return sfmt(res, len, "%s:%d/%d%s", ngood >= 60 && !corrupt ? "ok" : "bad",
	     ngood, NFRAMES, corrupt ? ",corrupt" : "");
}

/*
 * Run one test in a child with a 20 s watchdog.  A child stuck in D state
 * is left behind: we only wait for its answer on a pipe.
 */
static void run_test(struct vdev *v, struct vdev *peer, char *res, size_t len)
{
	struct pollfd pfd = { .events = POLLIN };
	long t0 = now_ms();
	int p[2], n = 0;
	ssize_t r;
	pid_t pid;

	sfmt(res, len, "timeout");
	if (pipe(p) || (pid = fork()) < 0)
		return;
	if (pid == 0) {
		char buf[48] = "bad:?";

		alarm(20);
		if (v->vtype == 2)
			blk_test(v, buf, sizeof(buf));
		else if (v->vtype == 1)
			net_test(v, peer, buf, sizeof(buf));
		else
			rng_test(buf, sizeof(buf));
		_exit(write(p[1], buf, strlen(buf)) < 0);
	}
	close(p[1]);
	pfd.fd = p[0];
	while (now_ms() - t0 < 21000 && poll(&pfd, 1, 21000 - (now_ms() - t0)) > 0 &&
	       (r = read(p[0], res + n, len - 1 - n)) > 0)
		res[n += r] = '\0';
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, WNOHANG);
}

static void do_io(struct vdev *devs, int n)
{
	int sock = socket(AF_PACKET, SOCK_RAW, 0);
	struct ifreq ifr;

	for (int i = 0; i < n; i++) {	/* bring all NICs up */
		memset(&ifr, 0, sizeof(ifr));
		sfmt(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", devs[i].ifname);
		if (devs[i].ifname[0] && !ioctl(sock, SIOCGIFFLAGS, &ifr)) {
			ifr.ifr_flags |= IFF_UP;
			ioctl(sock, SIOCSIFFLAGS, &ifr);
		}
	}
	close(sock);

	for (int i = 0; i < n; i++) {
		struct vdev *v = &devs[i];

		if ((v->vtype == 2 && v->disk[0]) || v->vtype == 4)
			run_test(v, NULL, v->io, sizeof(v->io));
		if (v->vtype != 1 || !v->ifname[0] || v->mac[5] != 1)
			continue;
		strcpy(v->io, "bad:nopeer");
		for (int j = 0; j < n; j++) {	/* peer: same MAC, ending in 2 */
			struct vdev *w = &devs[j];

			if (w->vtype != 1 || !w->ifname[0] || w->mac[5] != 2 ||
			    memcmp(v->mac, w->mac, 5))
				continue;
			run_test(v, w, v->io, sizeof(v->io));
			sfmt(w->io, sizeof(w->io), "%.*s:rx",
			     (int)strcspn(v->io, ":"), v->io);
		}
	}
}

/* ---- reporting ---- */

static void report(struct vdev *devs, int n, const struct maps *m)
{
	for (int i = 0; i < n; i++) {
		struct vdev *v = &devs[i];
		int cnt = 0, eq = 0;

		for (int j = 0; j < m->n; j++)
			if (!strcmp(m->e[j].dev, v->parent)) {
				cnt++;
				eq += m->e[j].p == m->e[j].d;
			}
		out("VTEST dev name=%s type=%s transport=%s addr=%s id=%s kind=%s "
		    "tag=%s ap=%d path=%s maps=%d dma_path=%s io=%s",
		    v->name, v->type, v->transport,
		    strcmp(v->transport, "other") ? v->parent : "-", v->id, v->kind,
		    v->tag, v->ap, !m->avail ? "n/a" :
		    !cnt ? "bypass" : eq == cnt ? "direct" : "iommu",
		    cnt, v->dma_path, v->io);
		if (eq && eq != cnt)
			out("VTEST mixed name=%s direct=%d iommu=%d", v->name, eq, cnt - eq);
	}
}

static void report_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	int warn = 0, lines = 0;
	char rec[8192], *text;
	ssize_t r;

	while (fd >= 0) {
		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0 && errno == EPIPE)
			continue;	/* records were overwritten */
		if (r <= 0)
			break;
		rec[r] = '\0';
		lines++;
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		text[strcspn(text, "\n")] = '\0';
		if ((atoi(rec) & 7) > 4)	/* skip notice, info, debug */
			continue;
		if ((strstr(text, "WARNING:") || strstr(text, "DMA-API:") ||
		     strstr(text, "BUG:") || strstr(text, "Call Trace")) && warn++ < 20)
			out("VTEST kmsg: %.160s", text);
	}
	out("VTEST kmsg warnings=%d lines=%d", warn, lines);
}

static void finish(void)
{
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static int guest_main(void)
{
	static struct vdev devs[MAXDEV];
	struct maps m = { 0 };
	struct utsname u;
	char cmdline[4096], errs[32];
	int n, avail;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL)) {
		n = errno;
		if (fcntl(1, F_GETFD) < 0)
			open("/dev/console", O_WRONLY);		/* becomes fd 1 */
		out("VTEST fatal mount: %s", strerror(n));
		finish();
	}
	while (fcntl(1, F_GETFD) < 0 && open("/dev/console", O_RDWR) >= 0)
		;		/* no console from the kernel: open fds 0..1 */
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);

	uname(&u);
	sysread(cmdline, sizeof(cmdline), "/proc/cmdline");
	out("");	/* end whatever the firmware left on the line */
	out("VTEST begin kernel=%s cmdline=%.200s", u.release, cmdline);
	n = scan(devs);
	read_dump(&m);
	do_io(devs, n);
	read_dump(&m);
	report(devs, n, &m);
	avail = !sysread(errs, sizeof(errs), "/sys/kernel/debug/dma-api/error_count");
	out("VTEST dmadebug errors=%s available=%d", avail ? errs : "-", avail);
	report_kmsg();
	out("VTEST end");
	finish();
	return 0;
}

int main(int argc, char **argv)
{
	return getpid() == 1 ? guest_main() : host_mode(argc, argv);
}
