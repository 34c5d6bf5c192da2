/* output.c - the probe's output: @@PMU lines, errno names, result lines, profiling (PROFILE 1). */
#include "probe.h"

char outbuf[1 << 16];

/*
 * Every line the probe prints goes through here. The checks (check.c) see each one; how it is
 * printed depends on the mode: "@@PMU <line>" for the C# side, a KTAP diagnostic line
 * "# @@PMU <line>" (--ktap: pmuconf kernel --results reads them back), and in a reproducer only
 * the INFO lines, as comments (its ok/FAIL lines are check.c's).
 */
void out(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	check_observe(line);
	if (check_mode == CHECK_RAW)
		printf("@@PMU %s\n", line);
	else if (check_mode == CHECK_KTAP)
		printf("# @@PMU %s\n", line);
	else if (!strncmp(line, "INFO ", 5))
		printf("# %s\n", line + 5);
}

const char *errname(int e)
{
	static char buf[16];
	switch (e) {
	case EPERM: return "EPERM";   case ENOENT: return "ENOENT"; case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";   case EIO: return "EIO";       case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";   case ENOEXEC: return "ENOEXEC"; case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN"; case ENOMEM: return "ENOMEM"; case EACCES: return "EACCES";
	case EFAULT: return "EFAULT"; case EBUSY: return "EBUSY";   case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV"; case EINVAL: return "EINVAL"; case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC"; case ERANGE: return "ERANGE"; case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP"; case EOVERFLOW: return "EOVERFLOW";
	case ENOTSUPP_LINUX: return "ENOTSUPP";
	default: snprintf(buf, sizeof buf, "E%d", e); return buf;
	}
}


static const char *const phase_names[PH_N] = { "create_vm", "memslot", "vcpus", "vgic", "steps" };
static double phase_time[PH_N];
double phase_mark;

void phase(int ph)
{
	if (!profile)
		return;
	double t = now();
	phase_time[ph] += t - phase_mark;
	phase_mark = t;
}


double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void print_result(const struct scenario *sc, const struct step *st, uint64_t result, uint64_t status)
{
	if (status == 0) {
		if (st->cmd == G_READ)
			out("R %s %s 0x%llx", sc->id, st->name, (unsigned long long)result);
		else
			out("R %s %s ok", sc->id, st->name);
	} else if (status & ST_EXC) {
		out("R %s %s %s", sc->id, st->name, status & ST_TRAP2 ? "trap" : "undef");
	} else {
		out("R %s %s Ebadreg", sc->id, st->name);
	}
}


/* CPU time split of the guest kernel (from /proc/stat, in clock ticks): user system idle */
void cpu_ticks(unsigned long long t[3])
{
	t[0] = t[1] = t[2] = 0;
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return;
	unsigned long long u, n, sy, id;
	unsigned long long io = 0, irq = 0, sirq = 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &sy, &id, &io, &irq, &sirq) >= 4) {
		t[0] = u + n;
		t[1] = sy + irq + sirq;
		t[2] = id;
	}
	fclose(f);
}

/* PROFILE: the kernel threads / tasks that used the most CPU since boot. */
static void top_tasks(void)
{
	struct { char comm[32]; unsigned long long t; } top[6];
	memset(top, 0, sizeof top);
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		char *l = strchr(buf, '('), *r = strrchr(buf, ')');
		if (!l || !r)
			continue;
		*r = 0;
		unsigned long long ut = 0, st = 0;
		/* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
		if (sscanf(r + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
			continue;
		unsigned long long t = ut + st;
		for (int i = 0; i < 6; i++)
			if (t > top[i].t) {
				memmove(&top[i + 1], &top[i], sizeof top[0] * (5 - i));
				snprintf(top[i].comm, sizeof top[i].comm, "%s", l + 1);
				top[i].t = t;
				break;
			}
	}
	closedir(d);
	long hz = sysconf(_SC_CLK_TCK);
	for (int i = 0; i < 6 && top[i].t; i++)
		out("INFO profile task %s %.3f s", top[i].comm, top[i].t / (double)hz);
}

void print_profile(const unsigned long long tk0[3], const unsigned long long tk1[3], double teardown_cpu)
{
	long hz = sysconf(_SC_CLK_TCK);
	out("INFO profile cpu user %.3f s system %.3f s idle %.3f s", (tk1[0] - tk0[0]) / (double)hz,
	    (tk1[1] - tk0[1]) / (double)hz, (tk1[2] - tk0[2]) / (double)hz);
	out("INFO profile teardown (cpu, all workers) %.3f s", teardown_cpu);
	top_tasks();
	for (int i = 0; i < PH_N; i++)
		out("INFO profile %s %.3f s", phase_names[i], phase_time[i]);
}
