/*
 * Standalone reproducer (PmuConformance, pmuconf report): Linux KVM arm64 PMU, known deviation
 *   KD14: After the run, a SET_ONE_REG of the value of a counter that has counted since the run
 *   (PMCCNTR, PMEVCNTR<n>) makes it count its event from then on although PMCR_EL0.E and its
 *   PMCNTENSET bit are clear, until the guest reprograms it; a counter that never counted stays
 *   stopped (KD12's repro) (V2: a restore has no side effect a guest write would not have; C3: a
 *   disabled counter does not count).
 *
 * Seen on:  debian-6.12 (Linux 6.12.117+deb13-arm64) under QEMU TCG, -cpu max,pauth=off (host preset qemu-max)
 * Build:    aarch64-linux-gnu-gcc -static -O2 -pthread -o repro repro.c   (on arm64: gcc -O2 -pthread)
 *           needs only <linux/kvm.h> and libc
 * Run:      ./repro   on arm64 Linux with /dev/kvm (root, or the kvm group)
 * Output:   one line per check: ok, or FAIL with the expected and the observed value.
 *           FAIL means the kernel did not give the INTENDED value (behaviour.md, which follows
 *           Documentation/virt/kvm/devices/vcpu.rst and the Arm ARM); "(known deviation KDn)"
 *           marks a FAIL that is the known bug. A fixed kernel prints only ok lines.
 * Exit:     0 every check has its intended value; 1 the known deviation is reproduced (every FAIL
 *           is the deviation's value); 2 a difference no known deviation explains, or a host
 *           kernel log splat (H1); 3 the deviation reproduced and a splat; 4 could not run here.
 *
 * KD14 breaks rules V2 C3; kernels that show it: debian-6.1 debian-6.12
 *   code: not read yet; the userspace counter write re-creates or re-enables the counter's perf
 *     event without checking PMCR.E and PMCNTENSET (7.2 gets it right)
 *   upstream: fixed by 7.2 (not bisected)
 *
 * The scenario (scenario-language.md) as its corpus file has it (its -> values may be a kernel's):
 *   # Deviation KD14 (behaviour.md section 13), Debian 6.1 and 6.12 (7.2 is right): the guest stops
 *   # counting (PMCR.E = 0, PMCNTENSET bit 31 clear), then userspace restores PMCCNTR with
 *   # SET_ONE_REG: from then on the cycle counter counts again, though nothing enables it (C3; V2: a
 *   # restore has no side effect a guest write would not have). Found as open finding O5 (generated
 *   # seed 0x120 of pmuconf kernel, a QEMU-style migration write-back), reduced by delta debugging.
 *   # Under the deviation the model says the counter advances; the intended value is the restored one.
 *   # rules: V2 C3 R4
 *   profile 6.12
 *   host qemu-max
 *   vm vcpus=1
 *   deviations KD14
 *
 *   init                              -> ok
 *   run                               -> ok
 *   write pmcr 0x1                    -> ok
 *   write pmcr 0x0                    -> ok
 *   write pmcntenclr 0x80000000       -> ok
 *   set-reg pmccntr 0x1000            -> ok
 *   events cpu_cycles 100 at el1
 *   read pmccntr                      -> 0x1064
 *
 * Checks: .pmu line, step: intended (rules) / what the known deviation gives instead
 *   line 13, init: ok (L1)
 *   line 14, run: ok (C3 E3 L1 L2 P5)
 *   line 15, write pmcr 0x1: ok (C3 R1)
 *   line 16, write pmcr 0x0: ok (C3 R1)
 *   line 17, write pmcntenclr 0x80000000: ok (C3 R3)
 *   line 18, set-reg pmccntr 0x1000: ok (C3 O1 R4 V2 V3)
 *   line 20, read pmccntr: 0x1000 (R4) / KD14: !0x1000
 *   (0x<v>/0x<mask>: those bits only; !0x<v>: a counter that counts the reproducer's own
 *   instructions, so any value but v)
 *
 * What follows is the kernel-oracle probe (src/KernelOracle/probe) in one file, built with
 * PROBE_REPRO: the same uAPI calls (kvm.c) and guest code (guest.S) the oracle ran, the scenario
 * as an embedded batch (batch.c reads it; format at the top of probe.c), check.c prints the checks.
 */
#define PROBE_REPRO 1

/* ======== probe.h (src/KernelOracle/probe/probe.h) ======== */
/*
 * probe.h - declarations shared by the probe's files (the batch and output formats are documented
 * at the top of probe.c). One job per file:
 *   probe.c   /init: start-up, the batch loop's driver, one worker thread per scenario
 *   batch.c   batch parsing: lines -> struct scenario / struct step
 *   kvm.c     uAPI: KVM and VM set-up, the user-space (U) step dispatch, VM teardown
 *   guest.c   the guest program: lowering G steps to op records, KVM_RUN and its exits
 *   guest.S   the code the guest runs (interpreter of op records, exception vectors)
 *   output.c  @@PMU lines, errno names, result lines, profiling
 */
#ifndef PROBE_H
#define PROBE_H
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <pthread.h>


#define ENOTSUPP_LINUX 524                      /* kernel-internal ENOTSUPP */
#ifndef KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS
#define KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS 4
#endif
/* nested virtualisation (7.2 with kvm-arm.mode=nested; newer than the cross compiler's headers) */
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7
#endif
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ
#define KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ 9
#endif
#define MAINT_IRQ 25                        /* vGIC maintenance interrupt of a nested VM (a PPI) */

/* ---- guest memory layout (must match guest.S) ---- */
#define MEM_SIZE      0x10000u
#define OPS_BASE      0x4000u
#define OPS_STRIDE    0x3000u
#define REC_SIZE      32u
#define MAX_RECS      (OPS_STRIDE / REC_SIZE - 1)      /* one slot for the terminator */
#define EXIT_BASE     0x10000000ull
#define FATAL_BASE    0x10001000ull
#define GICD_BASE     0x08000000ull
#define GICR_BASE     0x080A0000ull
#define MAX_VCPUS     4
#define PMU_PPI       23

#define OP_END   0
#define OP_READ  1
#define OP_WRITE 2
#define OP_LOOP  3
#define OP_LOOP_EL0   4
#define OP_ENTER_HYP  5
#define OP_EXIT_HYP   6

#define ST_BADREG 1ull
#define ST_EXC    (1ull << 63)
#define ST_TRAP2  (1ull << 62)                 /* with ST_EXC: a vEL1 access trapped to vEL2 */

extern const unsigned char guest_blob_start[], guest_blob_end[];
#ifdef PROBE_REPRO
/* a reproducer's scenario: a batch with CHECK lines, embedded in the generated file */
extern const char repro_batch[];
#endif

/* ---- sysreg ids for KVM_{GET,SET}_ONE_REG ---- */
#define SYSREG(op0, op1, crn, crm, op2) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | \
	 ((uint64_t)(op0) << KVM_REG_ARM64_SYSREG_OP0_SHIFT) | \
	 ((uint64_t)(op1) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) | \
	 ((uint64_t)(crn) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) | \
	 ((uint64_t)(crm) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) | \
	 ((uint64_t)(op2) << KVM_REG_ARM64_SYSREG_OP2_SHIFT))
#define REG_ID_AA64PFR0 SYSREG(3, 0, 0, 4, 0)
#define REG_ID_AA64DFR0 SYSREG(3, 0, 0, 5, 0)

/* guest register ids (guest.S jump tables) */
#define REG_PMSWINC 4
#define REG_IRQ     17

/* batch.c: the KVM_{GET,SET}_ONE_REG id of a guest register id (0: none, e.g. irq) */
uint64_t reg_one_reg_id(int reg);

/* ---- batch representation ---- */
enum cmd {
	U_FILTER = 1, U_FILTERFAULT, U_SETPMU, U_SETNR, U_SETPMUVER, U_ATTR, U_INIT, U_RUN,
	U_RESET, U_SETIRQ, U_INITNOIRQ, U_HASATTR, U_GETREG, U_SETREG,
	G_READ, G_WRITE, G_SWINC, G_LOOP, G_LOOP_EL0, G_ENTER_HYP, G_EXIT_HYP,
};
#define IS_GUEST(c) ((c) >= G_READ)

struct step {
	char name[32];
	int vcpu, cmd, reg;
	uint64_t a, b, c, d;
};

struct scenario {
	char id[64];
	int vcpus, pmu, el2, el3, nested;
	int nsteps, cap;
	struct step *steps;
	char error[160];           /* parse error: the scenario is NOTRUN */
};

/* ---- a VM ---- */
struct vcpu {
	int fd;
	struct kvm_run *run;
	int irq_set;      /* IRQ attribute succeeded once */
	int irq_num;      /* the PMU interrupt set on this vCPU (0: none yet; irq reads PPI 23) */
	int ran;          /* a RUN succeeded: guest ops allowed */
	int dead;         /* guest hit an unexpected exception / timeout */
};

struct vm {
	int fd, gic;
	int n;
	unsigned char *mem;       /* the VM's guest memory (MEM_SIZE bytes at GPA 0) */
	struct vcpu v[MAX_VCPUS];
};

/* ---- global state (probe.c / kvm.c) ---- */
extern int kvm_fd;
extern long run_size;
extern struct kvm_vcpu_init preferred;
extern int scenario_timeout;               /* guest-virtual seconds (see TIMEOUT) */
extern char kvm_unusable[160];             /* non-empty: every scenario is NOTRUN */
extern int profile;                        /* PROFILE 1 */
extern int sync_destroy;                   /* SYNCDESTROY 1: destroy each VM before the next scenario */
extern int keep_vms;                       /* default 1: keep every VM until power-off; DESTROY 1: 0 */
extern volatile sig_atomic_t timed_out;    /* the watchdog fired for the running scenario */

/* output.c */
extern char outbuf[1 << 16];
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errname(int e);
void print_result(const struct scenario *sc, const struct step *st, uint64_t result, uint64_t status);
enum { PH_CREATE, PH_MEMSLOT, PH_VCPU, PH_VGIC, PH_STEPS, PH_N };
extern double phase_mark;
double now(void);
void phase(int ph);
void cpu_ticks(unsigned long long t[3]);
void print_profile(const unsigned long long tk0[3], const unsigned long long tk1[3], double teardown_cpu);

/* check.c: expectations (CHECK lines) and verdicts for --ktap and reproducers */
enum { CHECK_RAW, CHECK_KTAP, CHECK_REPRO };
extern int check_mode;
void check_begin(void);
void check_parse(struct scenario *sc, char **tok, int n, int lineno);
void check_observe(const char *line);
void check_report(const struct scenario *sc);
int check_exit_status(void);

/* batch.c */
int parse_u64(const char *s, uint64_t *v);
int run_batch(FILE *f, void (*run)(struct scenario *sc));   /* returns the number of scenarios */

/* kvm.c */
void read_host_pmus(void);
void kvm_setup(void);
int vm_create(struct vm *vm, const struct scenario *sc, char *why, size_t whylen);
void vm_destroy(struct vm *vm);
int run_user_op(struct vm *vm, const struct scenario *sc, const struct step *st);

/* hostlog.c (H1) */
void hostlog_open(void);
int hostlog_check(const char *id);

/* guest.c */
void on_alarm(int sig);
int vcpu_run(struct vm *vm, int i, char *why, size_t whylen);
int run_guest_ops(struct vm *vm, const struct scenario *sc, int from, int count);

#endif

/* ======== output.c (src/KernelOracle/probe/output.c) ======== */
/* output.c - the probe's output: @@PMU lines, errno names, result lines, profiling (PROFILE 1). */

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

/* ======== check.c (src/KernelOracle/probe/check.c) ======== */
/*
 * check.c - expectations inside a batch (CHECK lines) and the verdict per scenario, for runs with
 * no .NET next to the kernel: a bundle on real hardware (--ktap: KTAP version 1, one test per
 * scenario) and a standalone reproducer (PROBE_REPRO: ok/FAIL per check). Without --ktap or
 * PROBE_REPRO the probe prints its @@PMU lines as always and CHECK lines change nothing.
 *
 *   CHECK <step> <intended> <deviated> <deviation> <line> <text...>
 *       <step>: the step whose result is checked; <intended>: what behaviour.md intends;
 *       <deviated>: what a kernel with the known deviation <deviation> (KDn) gives instead
 *       ("-" "-": no known deviation moves this result); <line> <text...>: the .pmu line, for
 *       people. An expectation is ok | undef | E<ERRNO> | 0x<v> (exact) | 0x<v>/0x<mask> (those
 *       bits only) | !0x<v> (a counter that counts the probe's own instructions: it advanced,
 *       so it differs from v) | =<k> (a counter that has stopped since step k read it: the value
 *       step k read, which needs a CHECK of step k; the C# projection, KernelProjection.cs, decides
 *       which form a step gets).
 *
 * A scenario passes when every check has its intended value; it "shows KDn" when every check
 * has its intended or its deviated value and at least one only the deviated one; a host-log splat
 * (H1) fails it whatever the values. A scenario with the id "host" checks that the machine is the
 * host the expectations were computed for; when it fails, later scenarios are SKIPped in KTAP as
 * "cannot judge" (their results are still printed for `pmuconf kernel --results`).
 */

#define MAX_CHECKS 256

struct check {
	char step[32], intended[48], deviated[48], deviation[16], text[120];
	int line;
	char observed[48];        /* empty: no result seen */
};

int check_mode;                                  /* CHECK_RAW, CHECK_KTAP, CHECK_REPRO */
static struct check checks[MAX_CHECKS];
static int nchecks;
static char notrun[200], splat[200];
static int tests;                                /* KTAP test number */
static char untrusted[320];                      /* the host check failed: why */
static int worst;            /* repro exit status: 0 intended, 1 deviation, 2 other, 3 deviation and a splat, 4 not run */

void check_begin(void)
{
	nchecks = 0;
	notrun[0] = splat[0] = 0;
}

void check_parse(struct scenario *sc, char **tok, int n, int lineno)
{
	if (n < 7 || nchecks == MAX_CHECKS) {
		snprintf(sc->error, sizeof sc->error, "batch line %d: bad CHECK line", lineno);
		return;
	}
	struct check *c = &checks[nchecks++];
	memset(c, 0, sizeof *c);
	snprintf(c->step, sizeof c->step, "%s", tok[1]);
	snprintf(c->intended, sizeof c->intended, "%s", tok[2]);
	snprintf(c->deviated, sizeof c->deviated, "%s", tok[3]);
	snprintf(c->deviation, sizeof c->deviation, "%s", tok[4]);
	c->line = atoi(tok[5]);
	for (int i = 6; i < n; i++) {
		size_t used = strlen(c->text);
		snprintf(c->text + used, sizeof c->text - used, "%s%s", i > 6 ? " " : "", tok[i]);
	}
}

/* Called by out() with every line the probe prints: keeps what the checks need. */
void check_observe(const char *line)
{
	char id[64], step[32], result[48];
	if (sscanf(line, "R %63s %31s %47s", id, step, result) == 3) {
		for (int i = 0; i < nchecks; i++)
			if (!strcmp(checks[i].step, step))
				snprintf(checks[i].observed, sizeof checks[i].observed, "%s", result);
	} else if (!strncmp(line, "NOTRUN ", 7)) {
		const char *why = strchr(line + 7, ' ');
		snprintf(notrun, sizeof notrun, "%s", why ? why + 1 : "no reason given");
		for (int i = 0; i < nchecks; i++)
			checks[i].observed[0] = 0;
	} else if (!strncmp(line, "SPLAT ", 6) && !splat[0]) {
		const char *text = strchr(line + 6, ' ');
		snprintf(splat, sizeof splat, "%s", text ? text + 1 : "");
	}
}

/* The result observed for step <step> of this scenario ("" when none was seen or it has no check). */
static const char *observed_at(const char *step)
{
	for (int i = 0; i < nchecks; i++)
		if (!strcmp(checks[i].step, step))
			return checks[i].observed;
	return "";
}

/* Does the observed result meet the expectation? "-" never matches. "=k": the value step k read
 * (a counter that has stopped since keeps it). */
static int meets(const char *want, const char *got)
{
	uint64_t v, m, o;
	if (!got[0] || !strcmp(want, "-"))
		return 0;
	if (want[0] == '=') {
		const char *then = observed_at(want + 1);
		return then[0] && !parse_u64(then, &v) && !parse_u64(got, &o) && o == v;
	}
	if (want[0] == '!')
		return !parse_u64(want + 1, &v) && !parse_u64(got, &o) && o != v;
	const char *slash = strchr(want, '/');
	if (slash) {
		char value[48];
		snprintf(value, sizeof value, "%.*s", (int)(slash - want), want);
		return !parse_u64(value, &v) && !parse_u64(slash + 1, &m) && !parse_u64(got, &o) && (o & m) == (v & m);
	}
	if (!parse_u64(want, &v))
		return !parse_u64(got, &o) && o == v;
	return !strcmp(want, got);
}

/* An expectation for people: "0x1800", "0x0 in the bits 0x7fffffff", "a value other than 0x10". */
static const char *describe(const char *want, char *buf, size_t len)
{
	const char *slash = strchr(want, '/');
	if (want[0] == '!')
		snprintf(buf, len, "a value other than %s (it counts)", want + 1);
	else if (want[0] == '=')
		snprintf(buf, len, "%s, the value step %s read (it has stopped)", observed_at(want + 1), want + 1);
	else if (slash)
		snprintf(buf, len, "%.*s in the bits %s", (int)(slash - want), want, slash + 1);
	else
		snprintf(buf, len, "%s", want);
	return buf;
}

enum verdict { V_INTENDED, V_DEVIATION, V_OTHER, V_NOTRUN };

static enum verdict judge(const char **deviation, const struct check **first_bad)
{
	int shows = 0, other = 0;
	*deviation = NULL;
	*first_bad = NULL;
	if (notrun[0])
		return V_NOTRUN;
	for (int i = 0; i < nchecks; i++) {
		const struct check *c = &checks[i];
		if (meets(c->intended, c->observed))
			continue;
		if (!*first_bad)
			*first_bad = c;
		if (meets(c->deviated, c->observed)) {
			shows = 1;
			*deviation = c->deviation;
		} else {
			other = 1;
		}
	}
	return other || splat[0] ? V_OTHER : shows ? V_DEVIATION : V_INTENDED;
}

static void report_ktap(const struct scenario *sc, enum verdict v, const char *deviation, const struct check *bad)
{
	tests++;
	char why[300] = "";
	if (bad)
		snprintf(why, sizeof why, "line %d %s: expected %s, got %s", bad->line, bad->text, bad->intended,
			 bad->observed[0] ? bad->observed : "no result");
	if (v == V_NOTRUN) {
		printf("ok %d %s # SKIP %s\n", tests, sc->id, notrun);
	} else if (untrusted[0]) {
		printf("ok %d %s # SKIP cannot judge on this host: %s\n", tests, sc->id, untrusted);
	} else if (v == V_INTENDED) {
		printf("ok %d %s\n", tests, sc->id);
	} else if (v == V_DEVIATION) {
		printf("not ok %d %s # TODO known deviation %s: %s\n", tests, sc->id, deviation, why);
	} else {
		worst = 1;              /* a failure: the KTAP run's exit status */
		if (splat[0])
			printf("not ok %d %s host kernel log splat (H1): %s\n", tests, sc->id, splat);
		else
			printf("not ok %d %s %s\n", tests, sc->id, why);
	}
	if (!strcmp(sc->id, "host") && v != V_INTENDED && !untrusted[0])
		snprintf(untrusted, sizeof untrusted, "the host differs from the bundle's preset (%s)",
			 v == V_NOTRUN ? notrun : why);
}

static void report_repro(enum verdict v)
{
	char a[120], b[120];
	if (v == V_NOTRUN) {
		printf("SKIP: could not run the scenario: %s\n", notrun);
		worst = 4;
		return;
	}
	for (int i = 0; i < nchecks; i++) {
		const struct check *c = &checks[i];
		const char *got = c->observed[0] ? c->observed : "no result";
		if (meets(c->intended, c->observed))
			printf("ok   line %d: %s: expected %s, got %s\n", c->line, c->text, describe(c->intended, a, sizeof a), got);
		else if (meets(c->deviated, c->observed))
			printf("FAIL line %d: %s: expected %s, got %s (known deviation %s)\n", c->line, c->text,
			       describe(c->intended, a, sizeof a), got, c->deviation);
		else if (strcmp(c->deviated, "-"))
			printf("FAIL line %d: %s: expected %s, got %s (known deviation %s would give %s)\n", c->line, c->text,
			       describe(c->intended, a, sizeof a), got, c->deviation, describe(c->deviated, b, sizeof b));
		else
			printf("FAIL line %d: %s: expected %s, got %s\n", c->line, c->text, describe(c->intended, a, sizeof a), got);
	}
	if (splat[0])
		printf("FAIL the host kernel logged a splat (H1): %s\n", splat);
	int status = v == V_INTENDED ? 0 : v == V_DEVIATION ? 1 : 2;
	if (splat[0]) {          /* judge() counts a splat as "other": 3 when the values still show the deviation */
		const char *d;
		const struct check *b;
		splat[0] = 0;
		if (judge(&d, &b) == V_DEVIATION)
			status = 3;
	}
	if (status > worst)
		worst = status;
}

/* After a scenario (and its SPLAT lines): its verdict, in the mode's form. */
void check_report(const struct scenario *sc)
{
	const char *deviation;
	const struct check *bad;
	enum verdict v = judge(&deviation, &bad);
	if (check_mode == CHECK_KTAP)
		report_ktap(sc, v, deviation, bad);
	else if (check_mode == CHECK_REPRO)
		report_repro(v);
	fflush(stdout);
}

int check_exit_status(void)
{
	return worst;
}

/* ======== batch.c (src/KernelOracle/probe/batch.c) ======== */
/* batch.c - batch parsing: the lines of /batch.txt (format at the top of probe.c) -> scenarios. */

/* ---- guest register names -> jump table ids (guest.S) ---- */
struct regname { const char *name; int id; };
static const struct regname regnames[] = {
	{ "pmcr", 0 }, { "pmcntenset", 1 }, { "pmcntenclr", 2 }, { "pmovsclr", 3 },
	{ "pmswinc", 4 }, { "pmselr", 5 }, { "pmceid0", 6 }, { "pmceid1", 7 },
	{ "pmccntr", 8 }, { "pmxevtyper", 9 }, { "pmxevcntr", 10 }, { "pmuserenr", 11 },
	{ "pmintenset", 12 }, { "pmintenclr", 13 }, { "pmovsset", 14 }, { "pmccfiltr", 15 },
	{ "id_aa64dfr0", 16 }, { "irq", 17 }, { "pmmir", 18 }, { "mdcr_el2", 19 },
};

/*
 * KVM_{GET,SET}_ONE_REG ids (ARM64_SYS_REG(op0, op1, CRn, CRm, op2)) of the guest register ids,
 * the same encodings guest.S's jump tables use (op0 = 3 for all of them).
 */
uint64_t reg_one_reg_id(int reg)
{
	static const unsigned char enc[][4] = {     /* op1, CRn, CRm, op2 for ids 0..19 */
		{3,9,12,0}, {3,9,12,1}, {3,9,12,2}, {3,9,12,3}, {3,9,12,4}, {3,9,12,5}, {3,9,12,6},
		{3,9,12,7}, {3,9,13,0}, {3,9,13,1}, {3,9,13,2}, {3,9,14,0}, {0,9,14,1}, {0,9,14,2},
		{3,9,14,3}, {3,14,15,7}, {0,0,5,0}, {0,0,0,0}, {0,9,14,6}, {4,1,1,1},
	};
	if (reg >= 0 && reg < 20 && reg != REG_IRQ)
		return SYSREG(3, enc[reg][0], enc[reg][1], enc[reg][2], enc[reg][3]);
	if (reg >= 32 && reg <= 62)                  /* PMEVCNTR<n>_EL0 */
		return SYSREG(3, 3, 14, 8 + (reg - 32) / 8, (reg - 32) % 8);
	if (reg >= 64 && reg <= 94)                  /* PMEVTYPER<n>_EL0 */
		return SYSREG(3, 3, 14, 12 + (reg - 64) / 8, (reg - 64) % 8);
	return 0;
}

static int reg_lookup(const char *s)
{
	for (size_t i = 0; i < sizeof regnames / sizeof regnames[0]; i++)
		if (!strcmp(s, regnames[i].name))
			return regnames[i].id;
	int base = -1;
	const char *num = NULL;
	if (!strncmp(s, "pmevcntr", 8)) { base = 32; num = s + 8; }
	else if (!strncmp(s, "pmevtyper", 9)) { base = 64; num = s + 9; }
	if (base < 0 || !*num || strlen(num) > 2)
		return -1;
	for (const char *p = num; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	if (num[0] == '0' && num[1])
		return -1;
	int n = atoi(num);
	return n <= 30 ? base + n : -1;
}


/* ---- parsing ---- */
int parse_u64(const char *s, uint64_t *v)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end || s[0] == '-')
		return -1;
	*v = x;
	return 0;
}

static int tokenize(char *line, char **tok, int max)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	int n = 0;
	for (char *p = strtok(line, " \t\r\n"); p && n < max; p = strtok(NULL, " \t\r\n"))
		tok[n++] = p;
	return n;
}

static void sc_error(struct scenario *sc, int lineno, const char *msg)
{
	if (!sc->error[0])
		snprintf(sc->error, sizeof sc->error, "batch line %d: %s", lineno, msg);
}

static void parse_step(struct scenario *sc, char **tok, int n, int lineno)
{
	static const struct { const char *kw; int cmd; int nargs; char kind; } cmds[] = {
		{ "FILTER", U_FILTER, 3, 'U' }, { "FILTERFAULT", U_FILTERFAULT, 0, 'U' },
		{ "SETPMU", U_SETPMU, 1, 'U' }, { "SETNR", U_SETNR, 1, 'U' },
		{ "SETPMUVER", U_SETPMUVER, 1, 'U' }, { "ATTR", U_ATTR, 1, 'U' },
		{ "INIT", U_INIT, 0, 'U' }, { "RUN", U_RUN, 0, 'U' },
		{ "RESET", U_RESET, 0, 'U' }, { "SETIRQ", U_SETIRQ, 1, 'U' },
		{ "INITNOIRQ", U_INITNOIRQ, 0, 'U' }, { "HASATTR", U_HASATTR, 1, 'U' },
		{ "GETREG", U_GETREG, 1, 'U' }, { "SETREG", U_SETREG, 2, 'U' },
		{ "READ", G_READ, 1, 'G' }, { "WRITE", G_WRITE, 2, 'G' },
		{ "SWINC", G_SWINC, 1, 'G' }, { "LOOP", G_LOOP, 1, 'G' },
		{ "LOOPEL0", G_LOOP_EL0, 1, 'G' }, { "ENTERHYP", G_ENTER_HYP, 0, 'G' },
		{ "EXITHYP", G_EXIT_HYP, 0, 'G' },
	};
	if (n < 4) {
		sc_error(sc, lineno, "step needs <step> <vcpu> <command>");
		return;
	}
	struct step st;
	memset(&st, 0, sizeof st);
	if (strlen(tok[1]) >= sizeof st.name) {
		sc_error(sc, lineno, "step name too long");
		return;
	}
	strcpy(st.name, tok[1]);
	uint64_t vc;
	if (parse_u64(tok[2], &vc) || vc >= (uint64_t)sc->vcpus) {
		sc_error(sc, lineno, "bad vcpu index");
		return;
	}
	st.vcpu = (int)vc;
	int found = -1;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		if (!strcmp(tok[3], cmds[i].kw) && tok[0][0] == cmds[i].kind)
			found = (int)i;
	if (found < 0) {
		sc_error(sc, lineno, "unknown command");
		return;
	}
	st.cmd = cmds[found].cmd;
	if ((st.cmd == G_ENTER_HYP || st.cmd == G_EXIT_HYP) && !sc->nested) {
		sc_error(sc, lineno, "ENTERHYP/EXITHYP need nested=1");
		return;
	}
	int nargs = n - 4;
	int want = cmds[found].nargs;
	if (!(nargs == want || (st.cmd == U_FILTER && nargs == 4))) {
		sc_error(sc, lineno, "wrong number of arguments");
		return;
	}
	char **arg = tok + 4;
	uint64_t *dst[4] = { &st.a, &st.b, &st.c, &st.d };
	int first = 0;
	if (st.cmd == G_READ || st.cmd == G_WRITE || st.cmd == U_GETREG || st.cmd == U_SETREG) {
		st.reg = reg_lookup(arg[0]);
		if (st.reg < 0 || ((st.cmd == U_GETREG || st.cmd == U_SETREG) && !reg_one_reg_id(st.reg))) {
			sc_error(sc, lineno, "unknown register");
			return;
		}
		first = 1;
	}
	for (int i = first; i < nargs; i++)
		if (parse_u64(arg[i], dst[i - first])) {
			sc_error(sc, lineno, "bad number");
			return;
		}
	if (st.cmd == U_FILTER && (st.a > 0xff || st.b > 0xffff || st.c > 0xffff || st.d > 0xffffff)) {
		sc_error(sc, lineno, "filter field out of range");
		return;
	}
	if (sc->nsteps == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 64;
		sc->steps = realloc(sc->steps, sizeof *sc->steps * sc->cap);
		if (!sc->steps) {
			out("INFO out of memory");
			exit(1);
		}
	}
	sc->steps[sc->nsteps++] = st;
}

static int parse_scenario_header(struct scenario *sc, char **tok, int n, int lineno)
{
	sc->nsteps = 0;
	sc->error[0] = 0;
	sc->vcpus = 1; sc->pmu = 1; sc->el2 = 1; sc->el3 = 1; sc->nested = 0;
	if (n < 2) {
		snprintf(sc->id, sizeof sc->id, "line%d", lineno);
		sc_error(sc, lineno, "SCENARIO without id");
		return 0;
	}
	snprintf(sc->id, sizeof sc->id, "%s", tok[1]);
	for (int i = 2; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		uint64_t v;
		if (!eq || parse_u64(eq + 1, &v)) {
			sc_error(sc, lineno, "bad SCENARIO option");
			continue;
		}
		*eq = 0;
		if (!strcmp(tok[i], "vcpus") && v >= 1 && v <= MAX_VCPUS) sc->vcpus = (int)v;
		else if (!strcmp(tok[i], "pmu") && v <= 1) sc->pmu = (int)v;
		else if (!strcmp(tok[i], "el2") && v <= 1) sc->el2 = (int)v;
		else if (!strcmp(tok[i], "el3") && v <= 1) sc->el3 = (int)v;
		else if (!strcmp(tok[i], "nested") && v <= 1) sc->nested = (int)v;
		else sc_error(sc, lineno, "bad SCENARIO option");
	}
	return 0;
}


/* Reads a batch and calls run for every scenario (also for a malformed one: it carries its error). */
int run_batch(FILE *f, void (*run)(struct scenario *sc))
{
	int count = 0;
	static char line[4096];
	char *tok[32];       /* a CHECK line carries the .pmu step's text */
	struct scenario sc;
	memset(&sc, 0, sizeof sc);
	int in = 0, lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		int n = tokenize(line, tok, 32);
		if (n == 0)
			continue;
		if (!strcmp(tok[0], "SCENARIO")) {
			if (in) {       /* missing END: run what we have, flagged */
				sc_error(&sc, lineno, "SCENARIO without END before it");
				run(&sc);
				check_report(&sc);
				count++;
			}
			parse_scenario_header(&sc, tok, n, lineno);
			check_begin();
			in = 1;
		} else if (!strcmp(tok[0], "END")) {
			if (!in) {
				out("INFO batch line %d: END outside a scenario", lineno);
				continue;
			}
			run(&sc);
			check_report(&sc);
			count++;
			in = 0;
		} else if (!strcmp(tok[0], "CHECK") && in) {
			check_parse(&sc, tok, n, lineno);
		} else if (!strcmp(tok[0], "U") || !strcmp(tok[0], "G")) {
			if (!in)
				out("INFO batch line %d: step outside a scenario", lineno);
			else
				parse_step(&sc, tok, n, lineno);
		} else if (!strcmp(tok[0], "PROFILE") && !in && n == 2) {
			profile = atoi(tok[1]) != 0;
		} else if (!strcmp(tok[0], "SYNCDESTROY") && !in && n == 2) {
			sync_destroy = atoi(tok[1]) != 0;
		} else if (!strcmp(tok[0], "DESTROY") && !in && n == 2) {
			keep_vms = atoi(tok[1]) == 0;
		} else if (!strcmp(tok[0], "LOGTEST") && !in && n >= 2) {
			/* test of the H1 path: write the rest of the line into the kernel log; the next
			 * scenario's host log check finds it */
			int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				char msg[512];
				int len = 0;
				for (int i = 1; i < n && len < (int)sizeof msg - 2; i++)
					len += snprintf(msg + len, sizeof msg - len, "%s%s", i > 1 ? " " : "", tok[i]);
				if (write(fd, msg, (size_t)len) < 0)
					out("INFO batch line %d: LOGTEST write: %s", lineno, errname(errno));
				close(fd);
			}
		} else if (!strcmp(tok[0], "TIMEOUT") && !in && n == 2) {
			uint64_t t;
			if (!parse_u64(tok[1], &t) && t > 0 && t < 3600)
				scenario_timeout = (int)t;
			else
				out("INFO batch line %d: bad TIMEOUT", lineno);
		} else if (in) {
			sc_error(&sc, lineno, "unknown line");
		} else {
			out("INFO batch line %d: unknown line ignored", lineno);
		}
	}
	if (in) {
		sc_error(&sc, lineno, "missing END at end of batch");
		run(&sc);
		check_report(&sc);
		count++;
	}
	free(sc.steps);
	return count;
}

/* ======== kvm.c (src/KernelOracle/probe/kvm.c) ======== */
/*
 * kvm.c - the uAPI side: KVM and VM set-up, the user-space (U) steps, VM teardown.
 * run_user_op is THE dispatch of U steps: a new uAPI step is one enum value (probe.h), one row in
 * batch.c's command table and one case there.
 */

/* ---- global KVM state ---- */
int kvm_fd = -1;
long run_size;
struct kvm_vcpu_init preferred;
int scenario_timeout = 2;           /* guest-virtual seconds (see TIMEOUT) */
char kvm_unusable[160];             /* non-empty: every scenario is NOTRUN */

struct hostpmu { char name[256]; int type; };
static struct hostpmu hostpmus[8];
static int nhostpmus;

void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < vm->n; i++) {
		if (vm->v[i].run)
			munmap(vm->v[i].run, run_size);
		if (vm->v[i].fd >= 0)
			close(vm->v[i].fd);
	}
	if (vm->gic >= 0)
		close(vm->gic);
	if (vm->fd >= 0)
		close(vm->fd);           /* 7.2: ~17 ms, waiting in srcu_barrier() (see run_scenario) */
	if (vm->mem)
		munmap(vm->mem, MEM_SIZE);
	memset(vm, 0, sizeof *vm);
	vm->fd = vm->gic = -1;
}

static int dev_attr(int fd, int set, uint32_t group, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)addr };
	return ioctl(fd, set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &a) ? errno : 0;
}

static int get_reg(int fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)val };
	return ioctl(fd, KVM_GET_ONE_REG, &r) ? errno : 0;
}

static int set_reg(int fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
	return ioctl(fd, KVM_SET_ONE_REG, &r) ? errno : 0;
}

/* Creates the VM of a scenario. Returns 0, or fills why and returns -1. */
int vm_create(struct vm *vm, const struct scenario *sc, char *why, size_t whylen)
{
	memset(vm, 0, sizeof *vm);
	vm->fd = vm->gic = -1;
	for (int i = 0; i < MAX_VCPUS; i++)
		vm->v[i].fd = -1;

	phase_mark = profile ? now() : 0;
	vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		snprintf(why, whylen, "KVM_CREATE_VM: %s", errname(errno));
		return -1;
	}
	phase(PH_CREATE);
	vm->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		snprintf(why, whylen, "mmap guest memory: %s", errname(errno));
		return -1;
	}
	memcpy(vm->mem, guest_blob_start, (size_t)(guest_blob_end - guest_blob_start));
	struct kvm_userspace_memory_region slot = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &slot)) {
		snprintf(why, whylen, "KVM_SET_USER_MEMORY_REGION: %s", errname(errno));
		return -1;
	}
	phase(PH_MEMSLOT);
	for (int i = 0; i < sc->vcpus; i++) {
		struct vcpu *v = &vm->v[i];
		v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, i);
		vm->n = i + 1;
		if (v->fd < 0) {
			snprintf(why, whylen, "KVM_CREATE_VCPU %d: %s", i, errname(errno));
			return -1;
		}
		v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED) {
			v->run = NULL;
			snprintf(why, whylen, "mmap kvm_run: %s", errname(errno));
			return -1;
		}
		struct kvm_vcpu_init init = preferred;
		if (sc->pmu)
			init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
		if (sc->nested)         /* a guest hypervisor: the vCPU starts at vEL2 */
			init.features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2 | 1u << KVM_ARM_VCPU_PSCI_0_2;
		if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init)) {
			snprintf(why, whylen, "KVM_ARM_VCPU_INIT %d: %s", i, errname(errno));
			return -1;
		}
		if (!sc->el2 || !sc->el3) {
			uint64_t pfr0;
			int e = get_reg(v->fd, REG_ID_AA64PFR0, &pfr0);
			if (e) {
				snprintf(why, whylen, "GET ID_AA64PFR0_EL1: %s", errname(e));
				return -1;
			}
			uint64_t want = pfr0;
			if (!sc->el2)
				want &= ~(0xfull << 8);
			if (!sc->el3)
				want &= ~(0xfull << 12);
			if (want != pfr0 && (e = set_reg(v->fd, REG_ID_AA64PFR0, want))) {
				snprintf(why, whylen, "cannot lower ID_AA64PFR0_EL1%s%s (0x%llx -> 0x%llx): %s",
					 (pfr0 ^ want) & (0xfull << 8) ? ".EL2" : "",
					 (pfr0 ^ want) & (0xfull << 12) ? ".EL3" : "",
					 (unsigned long long)pfr0, (unsigned long long)want, errname(e));
				return -1;
			}
		}
	}
	phase(PH_VCPU);
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	if (ioctl(vm->fd, KVM_CREATE_DEVICE, &cd)) {
		snprintf(why, whylen, "create vgic-v3: %s", errname(errno));
		return -1;
	}
	vm->gic = cd.fd;
	uint64_t dist = GICD_BASE, redist = GICR_BASE;
	int e;
	if ((e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist)) ||
	    (e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist))) {
		snprintf(why, whylen, "vgic-v3 setup: %s", errname(e));
		return -1;
	}
	uint32_t maint = MAINT_IRQ;
	if (sc->nested && (e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0, &maint))) {
		snprintf(why, whylen, "vgic-v3 maintenance interrupt: %s", errname(e));
		return -1;
	}
	if ((e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))) {
		snprintf(why, whylen, "vgic-v3 setup: %s", errname(e));
		return -1;
	}
	phase(PH_VGIC);
	return 0;
}

/*
 * One KVM_RUN of vCPU i. Returns 0 when the guest exited on its "done" address, an errno (> 0)
 * when the ioctl failed, -1 (with why) on any other outcome: the vCPU is then dead.
 */

static int host_pmu_id(uint64_t k)
{
	return k < (uint64_t)nhostpmus ? hostpmus[k].type : 0x7fff0000;
}

/* Executes one user-space step. Returns 0 or -1 (NOTRUN printed). */
int run_user_op(struct vm *vm, const struct scenario *sc, const struct step *st)
{
	struct vcpu *v = &vm->v[st->vcpu];
	int e = 0;
	char why[200];
	switch (st->cmd) {
	case U_FILTER: {
		unsigned char f[8];
		uint16_t base = (uint16_t)st->b, nev = (uint16_t)st->c;
		memcpy(f, &base, 2);
		memcpy(f + 2, &nev, 2);
		f[4] = (uint8_t)st->a;
		f[5] = (uint8_t)st->d;
		f[6] = (uint8_t)(st->d >> 8);
		f[7] = (uint8_t)(st->d >> 16);
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_FILTER, f);
		break;
	}
	case U_FILTERFAULT:
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_FILTER, (void *)(uintptr_t)0x10);
		break;
	case U_SETPMU: {
		int id = host_pmu_id(st->a);
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_SET_PMU, &id);
		break;
	}
	case U_SETNR: {
		uint32_t n = (uint32_t)st->a;
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, &n);
		break;
	}
	case U_SETPMUVER: {
		uint64_t dfr0;
		e = get_reg(v->fd, REG_ID_AA64DFR0, &dfr0);
		if (!e) {
			dfr0 = (dfr0 & ~(0xfull << 8)) | ((st->a & 0xf) << 8);
			e = set_reg(v->fd, REG_ID_AA64DFR0, dfr0);
		}
		break;
	}
	case U_ATTR: {
		uint64_t zero[8] = { 0 };
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, st->a, zero);
		break;
	}
	case U_RESET: {                   /* KVM_ARM_VCPU_INIT again, same features (a VMM's reboot) */
		struct kvm_vcpu_init init = preferred;     /* the features vm_create gave it */
		if (sc->pmu)
			init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
		if (sc->nested)
			init.features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2 | 1u << KVM_ARM_VCPU_PSCI_0_2;
		e = ioctl(v->fd, KVM_ARM_VCPU_INIT, &init) ? errno : 0;
		if (!e) {
			/*
			 * The guest restarts at PC 0 (guest.S's entry) on its next run. The last exit was the
			 * guest's MMIO write: forget it, so that KVM_RUN does not complete that access (skip
			 * an instruction) on the fresh vCPU.
			 */
			v->ran = 0;
			v->run->exit_reason = KVM_EXIT_UNKNOWN;
		}
		break;
	}
	case U_SETIRQ: {
		int irq = (int)st->a;
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ, &irq);
		if (!e) {
			v->irq_set = 1;
			v->irq_num = irq;
		}
		break;
	}
	case U_INITNOIRQ:
		e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_INIT, NULL);
		break;
	case U_HASATTR: {
		struct kvm_device_attr a = { .group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = st->a };
		e = ioctl(v->fd, KVM_HAS_DEVICE_ATTR, &a) ? errno : 0;
		break;
	}
	case U_GETREG: {
		uint64_t val = 0;
		e = get_reg(v->fd, reg_one_reg_id(st->reg), &val);
		if (!e) {
			out("R %s %s 0x%llx", sc->id, st->name, (unsigned long long)val);
			return 0;
		}
		break;
	}
	case U_SETREG:
		e = set_reg(v->fd, reg_one_reg_id(st->reg), st->a);
		break;
	case U_INIT:
		if (!v->irq_set) {
			int irq = PMU_PPI;
			e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_IRQ, &irq);
			if (!e)
				v->irq_set = 1;
		}
		if (!e)
			e = dev_attr(v->fd, 1, KVM_ARM_VCPU_PMU_V3_CTRL, KVM_ARM_VCPU_PMU_V3_INIT, NULL);
		break;
	case U_RUN: {
		if (v->dead) {
			out("NOTRUN %s step %s: vcpu %d is dead", sc->id, st->name, st->vcpu);
			return -1;
		}
		memset(vm->mem + OPS_BASE + OPS_STRIDE * st->vcpu, 0, REC_SIZE);   /* empty op list */
		int rc = vcpu_run(vm, st->vcpu, why, sizeof why);
		if (rc < 0) {
			out("NOTRUN %s step %s: %s", sc->id, st->name, why);
			return -1;
		}
		e = rc;
		if (!e)
			v->ran = 1;
		break;
	}
	}
	if (e)
		out("R %s %s %s", sc->id, st->name, errname(e));
	else
		out("R %s %s ok", sc->id, st->name);
	return 0;
}


/* ---- start-up ---- */
void read_host_pmus(void)
{
	const char *dir = "/sys/bus/event_source/devices";
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && nhostpmus < (int)(sizeof hostpmus / sizeof hostpmus[0])) {
		if (!strstr(de->d_name, "pmu"))
			continue;
		char path[512], buf[32];
		snprintf(path, sizeof path, "%s/%s/type", dir, de->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (k <= 0)
			continue;
		buf[k] = 0;
		snprintf(hostpmus[nhostpmus].name, sizeof hostpmus[0].name, "%s", de->d_name);
		hostpmus[nhostpmus].type = atoi(buf);
		nhostpmus++;
	}
	closedir(d);
	for (int i = 0; i < nhostpmus; i++)          /* name order */
		for (int j = i + 1; j < nhostpmus; j++)
			if (strcmp(hostpmus[j].name, hostpmus[i].name) < 0) {
				struct hostpmu t = hostpmus[i];
				hostpmus[i] = hostpmus[j];
				hostpmus[j] = t;
			}
}

void kvm_setup(void)
{
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "no /dev/kvm: %s", errname(errno));
		return;
	}
	out("INFO kvm api %d pmu_v3 %d el2 %d max_vcpus %d ipa_size %d", ioctl(kvm_fd, KVM_GET_API_VERSION, 0),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE));
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "KVM_GET_VCPU_MMAP_SIZE: %s", errname(errno));
		return;
	}
	int vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "KVM_CREATE_VM: %s", errname(errno));
		return;
	}
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &preferred)) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "KVM_ARM_PREFERRED_TARGET: %s", errname(errno));
		close(vm);
		return;
	}
	/* What a default PMU vCPU reports (for the record). */
	int vc = ioctl(vm, KVM_CREATE_VCPU, 0);
	struct kvm_vcpu_init init = preferred;
	init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	uint64_t pfr0 = 0, dfr0 = 0;
	if (vc >= 0 && !ioctl(vc, KVM_ARM_VCPU_INIT, &init) &&
	    !get_reg(vc, REG_ID_AA64PFR0, &pfr0) && !get_reg(vc, REG_ID_AA64DFR0, &dfr0))
		out("INFO default vcpu ID_AA64PFR0_EL1 0x%llx ID_AA64DFR0_EL1 0x%llx (PMUVer %llu)",
		    (unsigned long long)pfr0, (unsigned long long)dfr0, (unsigned long long)((dfr0 >> 8) & 0xf));
	if (vc >= 0)
		close(vc);
	close(vm);

	size_t blob = (size_t)(guest_blob_end - guest_blob_start);
	if (blob > OPS_BASE - 16) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "guest code too large (%zu bytes)", blob);
		return;
	}
}

/* ======== guest.c (src/KernelOracle/probe/guest.c) ======== */
/* guest.c - the guest program from the host's side: G steps -> op records (guest.S), KVM_RUN, exits. */

volatile sig_atomic_t timed_out;
static struct kvm_run *volatile current_run;

void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	struct kvm_run *r = current_run;
	if (r)
		r->immediate_exit = 1;
}

int vcpu_run(struct vm *vm, int i, char *why, size_t whylen)
{
	struct vcpu *v = &vm->v[i];
	struct kvm_run *r = v->run;
	if (timed_out) {
		snprintf(why, whylen, "timeout (watchdog %d s)", scenario_timeout);
		v->dead = 1;
		return -1;
	}
	current_run = r;
	int rc = ioctl(v->fd, KVM_RUN, 0);
	int e = errno;
	current_run = NULL;
	if (rc < 0) {
		if (e == EINTR && timed_out) {
			snprintf(why, whylen, "timeout (watchdog %d s)", scenario_timeout);
			v->dead = 1;
			return -1;
		}
		return e;
	}
	if (r->exit_reason == KVM_EXIT_MMIO && r->mmio.is_write) {
		if (r->mmio.phys_addr == EXIT_BASE + 8ull * i)
			return 0;
		if (r->mmio.phys_addr == FATAL_BASE + 8ull * i) {
			uint64_t code, elr;
			memcpy(&code, r->mmio.data, 8);
			memcpy(&elr, vm->mem + OPS_BASE + OPS_STRIDE * i - 16, 8);
			snprintf(why, whylen, "guest vcpu %d: unexpected exception 0x%llx at 0x%llx", i,
				 (unsigned long long)code, (unsigned long long)elr);
			v->dead = 1;
			return -1;
		}
		snprintf(why, whylen, "guest vcpu %d: MMIO write to 0x%llx", i,
			 (unsigned long long)r->mmio.phys_addr);
	} else if (r->exit_reason == KVM_EXIT_MMIO) {
		snprintf(why, whylen, "guest vcpu %d: MMIO read of 0x%llx", i,
			 (unsigned long long)r->mmio.phys_addr);
	} else if (r->exit_reason == KVM_EXIT_FAIL_ENTRY) {
		snprintf(why, whylen, "vcpu %d: KVM_EXIT_FAIL_ENTRY reason 0x%llx", i,
			 (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
	} else if (r->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
		snprintf(why, whylen, "vcpu %d: KVM_EXIT_SYSTEM_EVENT type %u", i, r->system_event.type);
	} else {
		snprintf(why, whylen, "vcpu %d: unexpected exit reason %u", i, r->exit_reason);
	}
	v->dead = 1;
	return -1;
}

/* Runs the guest steps [from, from+count) of vCPU i. Returns 0 or -1 (NOTRUN printed). */
int run_guest_ops(struct vm *vm, const struct scenario *sc, int from, int count)
{
	int i = sc->steps[from].vcpu;
	struct vcpu *v = &vm->v[i];
	char why[200];
	if (!v->ran || v->dead) {
		out("NOTRUN %s step %s: vcpu %d has not run successfully", sc->id, sc->steps[from].name, i);
		return -1;
	}
	while (count > 0) {
		int n = count < (int)MAX_RECS ? count : (int)MAX_RECS;
		unsigned char *ops = vm->mem + OPS_BASE + OPS_STRIDE * i;
		for (int k = 0; k < n; k++) {
			const struct step *st = &sc->steps[from + k];
			uint32_t hdr[2];
			uint64_t val = 0, zero[2] = { 0, 0 };
			switch (st->cmd) {
			case G_READ:  hdr[0] = OP_READ;  hdr[1] = st->reg; break;
			case G_WRITE: hdr[0] = OP_WRITE; hdr[1] = st->reg; val = st->a; break;
			case G_SWINC: hdr[0] = OP_WRITE; hdr[1] = REG_PMSWINC; val = st->a; break;
			case G_LOOP_EL0:   hdr[0] = OP_LOOP_EL0;  hdr[1] = 0; val = st->a; break;
			case G_ENTER_HYP:  hdr[0] = OP_ENTER_HYP; hdr[1] = 0; break;
			case G_EXIT_HYP:   hdr[0] = OP_EXIT_HYP;  hdr[1] = 0; break;
			default:      hdr[0] = OP_LOOP;  hdr[1] = 0; val = st->a; break;
			}
			unsigned char *rec = ops + REC_SIZE * k;
			memcpy(rec, hdr, 8);
			memcpy(rec + 8, &val, 8);
			memcpy(rec + 16, zero, 16);
		}
		memset(ops + REC_SIZE * n, 0, REC_SIZE);
		int rc = vcpu_run(vm, i, why, sizeof why);
		if (rc != 0) {
			if (rc > 0)
				snprintf(why, sizeof why, "KVM_RUN for guest steps of vcpu %d: %s", i, errname(rc));
			out("NOTRUN %s step %s: %s", sc->id, sc->steps[from].name, why);
			return -1;
		}
		for (int k = 0; k < n; k++) {
			const struct step *st = &sc->steps[from + k];
			uint64_t res, status;
			memcpy(&res, ops + REC_SIZE * k + 16, 8);
			memcpy(&status, ops + REC_SIZE * k + 24, 8);
			if (st->cmd == G_READ && st->reg == REG_IRQ && status == 0) {
				/* the line of the PMU's PPI (23 unless SETIRQ chose another; an SPI reads 0) */
				int ppi = v->irq_num ? v->irq_num : PMU_PPI;
				res = ppi >= 16 && ppi < 32 ? (res >> ppi) & 1 : 0;
			}
			if (st->cmd == G_READ || st->cmd == G_WRITE || st->cmd == G_SWINC) {
				print_result(sc, st, res, status);
			} else if (status) {          /* LOOP, LOOPEL0, ENTERHYP, EXITHYP yield nothing */
				out("NOTRUN %s step %s: the guest could not do it (status 0x%llx)", sc->id, st->name,
				    (unsigned long long)status);
				return -1;
			}
		}
		from += n;
		count -= n;
	}
	return 0;
}

/* ======== hostlog.c (src/KernelOracle/probe/hostlog.c) ======== */
/*
 * hostlog.c - the host kernel log check (behaviour.md H1): after every scenario the probe reads
 * /dev/kmsg (non-blocking) from where it stopped last time and reports any WARNING, BUG, Oops,
 * "Unable to handle", lockdep or RCU splat as SPLAT lines of that scenario:
 *     @@PMU SPLAT <id> <kernel log line>        (the splat's first lines, at most SPLAT_LINES)
 * The console itself is quiet (loglevel=1), so /dev/kmsg is the only place these show up.
 * Boot messages are skipped (the reader starts at the end of the log); a VM torn down in the
 * background after its scenario finished may log during the next scenario, which then gets it.
 */

#define SPLAT_LINES 12

static int kmsg_fd = -1;

void hostlog_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0) {
		out("INFO host log: cannot open /dev/kmsg: %s (H1 not checked)", errname(errno));
		return;
	}
	lseek(kmsg_fd, 0, SEEK_END);
}

/* The patterns of behaviour.md H1, on the message text of one log record. */
static int is_splat(const char *msg)
{
	static const char *const patterns[] = {
		"WARNING:", "BUG:", "BUG ", "Oops", "Unable to handle", "kernel BUG",
		"possible circular locking", "inconsistent lock state", "possible recursive locking",
		"lockdep", "suspicious RCU usage", "RCU stall", "rcu_sched detected stall",
		"rcu: INFO:", "detected stall", "Internal error:", "general protection",
		"UBSAN:", "KASAN:", "list_add corruption", "list_del corruption",
	};
	for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
		if (strstr(msg, patterns[i]))
			return 1;
	return 0;
}

/* Lines of a splat that say nothing about where it came from: the register dump and the banner. */
static int is_noise(const char *msg)
{
	while (*msg == ' ')
		msg++;
	if (msg[0] == 'x' && msg[1] >= '0' && msg[1] <= '9')
		return 1;
	return !strncmp(msg, "sp :", 4) || !strncmp(msg, "pstate:", 7) || !strncmp(msg, "Modules linked in", 17)
	       || !strncmp(msg, "Hardware name:", 14) || !strncmp(msg, "Tainted:", 8);
}

/* Reads what the kernel logged since the last call; SPLAT lines for scenario id. Returns the
 * number of splats found. */
int hostlog_check(const char *id)
{
	if (kmsg_fd < 0)
		return 0;
	char rec[2048];
	int splats = 0, printing = 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof rec - 1);
		if (n < 0) {
			if (errno == EPIPE)           /* overwritten records: go on with the next */
				continue;
			break;                        /* EAGAIN: nothing more */
		}
		if (n == 0)
			break;
		rec[n] = 0;
		/* "prio,seq,usec,flags;text\n KEY=value\n..." : the text is after ';', up to '\n' */
		char *text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		char *nl = strchr(text, '\n');
		if (nl)
			*nl = 0;
		for (char *p = text; *p; p++)        /* keep the output line printable */
			if ((unsigned char)*p < 0x20)
				*p = ' ';
		if (is_splat(text))
			splats++;
		else if (splats && is_noise(text))
			continue;
		if (splats && printing < SPLAT_LINES) {
			out("SPLAT %s %s", id, text);
			printing++;
		}
	}
	return splats;
}

/* ======== probe.c (src/KernelOracle/probe/probe.c) ======== */
/*
 * probe.c - the kernel oracle's probe: /init (PID 1) of an initramfs booted in QEMU
 * (arm64, EL2, KVM inside). It runs a batch of PMU scenarios against the real kernel's KVM, each
 * in a fresh VM, prints one result line per step on the console, and powers the machine off.
 * It can also run as an ordinary program on any arm64 Linux with /dev/kvm:
 *     probe [batch-file]          (default /batch.txt; no power-off when not PID 1)
 *     probe --ktap batch-file     KTAP version 1 on stdout, one test per scenario judged by its
 *                                 CHECK lines (check.c); the lines below become "# @@PMU ..."
 *                                 diagnostics; exit 1 when a test failed (a bundle's run.sh)
 * Built with -DPROBE_REPRO (pmuconf report inlines every file into one repro.c), it runs the
 * batch embedded as repro_batch and prints ok/FAIL per CHECK line instead (check.c).
 *
 * ============================ BATCH FORMAT (input, /batch.txt) ============================
 * Line oriented; '#' starts a comment; blank lines are ignored; numbers are decimal or 0x hex;
 * tokens are separated by blanks. <id> and <step> are opaque tokens (no blanks) echoed back.
 *
 *   TIMEOUT <seconds>                      optional, outside a scenario: watchdog per scenario
 *                                          from then on (default 2). The guest kernel's clock: under
 *                                          QEMU -icount shift=0 one second = 1e9 instructions
 *                                          (about 4-10 s of wall time)
 *   PROFILE 1                              optional: print time per phase at the end (INFO lines)
 *   LOGTEST <text>                         test of the host log check (H1): writes <text> into
 *                                          the kernel log; the next scenario reports it if it is a splat
 *   SYNCDESTROY 1                          optional: destroy each VM before the next scenario
 *                                          starts (slow on 7.2; for comparisons only)
 *   DESTROY 1                              optional: destroy each VM in the background after its
 *                                          scenario (the default keeps every VM until power-off:
 *                                          see vm_park)
 *   SCENARIO <id> vcpus=<1-4> pmu=<0|1> el2=<0|1> el3=<0|1> nested=<0|1>
 *       vcpus: number of vCPUs (all created before the first step)
 *       pmu=1: every vCPU is created with the PMUv3 feature; pmu=0: none is
 *       el2/el3=0: userspace lowers ID_AA64PFR0_EL1.EL2 / .EL3 to 0 before any step (NOTRUN if the
 *       kernel refuses); =1: the field is left as KVM reports it (on QEMU the host has no EL3, so
 *       the EL3 field is 0 either way). Defaults: vcpus=1 pmu=1 el2=1 el3=1 nested=0.
 *       nested=1: every vCPU also gets HAS_EL2 (and PSCI 0.2) and starts at vEL2 (a guest
 *       hypervisor); the vGIC gets its maintenance interrupt (PPI 25). Needs 7.2 booted with
 *       kvm-arm.mode=nested on a CPU with FEAT_NV2 (QEMU 10 -cpu max), else NOTRUN.
 *   U <step> <vcpu> FILTER <action> <base> <nevents> [<pad24>]   KVM_ARM_VCPU_PMU_V3_FILTER
 *       with struct {u16 base, u16 nevents, u8 action, u8 pad[3] = pad24 little-endian}
 *   U <step> <vcpu> FILTERFAULT             FILTER with an unmapped user pointer (-> EFAULT)
 *   U <step> <vcpu> SETPMU <k>              SET_PMU with the perf type id of the k-th host PMU
 *       (the k-th, in name order, of /sys/bus/event_source/devices/ *pmu* ; see the INFO lines);
 *       k beyond the list -> an id no PMU has (0x7fff0000)
 *   U <step> <vcpu> SETNR <n>               attribute 4 (SET_NR_COUNTERS), argument: pointer to u32 n
 *   U <step> <vcpu> SETPMUVER <v>           KVM_SET_ONE_REG(ID_AA64DFR0_EL1) with bits 11:8 = v, the
 *                                           rest as KVM_GET_ONE_REG returned it
 *   U <step> <vcpu> ATTR <n>                KVM_SET_DEVICE_ATTR group 0 attribute n, pointer to 64
 *                                           zero bytes
 *   U <step> <vcpu> INIT                    attribute IRQ = 23 (only until it succeeded once on
 *                                           this vCPU), then attribute INIT; the result is INIT's,
 *                                           or the IRQ error if setting the IRQ failed
 *   U <step> <vcpu> RUN                     KVM_RUN; the guest starts (first time) or resumes, finds
 *                                           no pending guest op, and exits by MMIO
 *   U <step> <vcpu> RESET                   KVM_ARM_VCPU_INIT again with the same features (a vCPU
 *                                           reset); the guest restarts at its entry on the next RUN,
 *                                           which G lines need again
 *   U <step> <vcpu> SETIRQ <intid>          attribute IRQ alone, argument: pointer to int intid
 *   U <step> <vcpu> INITNOIRQ               attribute INIT alone (no IRQ set first)
 *   U <step> <vcpu> HASATTR <n>             KVM_HAS_DEVICE_ATTR group 0 attribute n
 *   U <step> <vcpu> GETREG <reg>            KVM_GET_ONE_REG of the PMU register <reg> (ARM64_SYS_REG
 *                                           id of the same encoding the guest uses); result 0x<hex>
 *                                           or E<ERRNO>
 *   U <step> <vcpu> SETREG <reg> <value>    KVM_SET_ONE_REG of <reg> with the 64-bit <value>
 *   G <step> <vcpu> READ <reg>
 *   G <step> <vcpu> WRITE <reg> <value>
 *   G <step> <vcpu> SWINC <mask>            = WRITE pmswinc <mask>
 *   G <step> <vcpu> LOOP <iterations>       counted loop in the current context (EL1; vEL2 or vEL1
 *                                           in a nested VM): subs + b.ne per iteration; no result
 *   G <step> <vcpu> LOOPEL0 <iterations>    the same loop at EL0 (vEL0): ERET there, SVC back; no
 *                                           result line
 *   G <step> <vcpu> ENTERHYP                nested=1, at vEL1: HVC to the guest hypervisor (vEL2)
 *   G <step> <vcpu> EXITHYP                 nested=1, at vEL2: ERET to vEL1. Both yield no result
 *                                           line; if the guest cannot do them: NOTRUN
 *   CHECK <step> <intended> <deviated> <KDn> <line> <text>   expectation of a step's result, for
 *                                           --ktap and reproducers (format: check.c); else ignored
 *   END                                     ends the scenario: it is run now
 * <vcpu> is 0 .. vcpus-1. <reg>: pmcr pmcntenset pmcntenclr pmintenset pmintenclr pmovsset
 * pmovsclr pmselr pmswinc pmxevtyper pmxevcntr pmevtyper0..30 pmevcntr0..30 pmccfiltr pmccntr
 * pmceid0 pmceid1 pmuserenr pmmir id_aa64dfr0 mdcr_el2 (UNDEFINED at EL1; a nested VM at vEL2), and
 * irq (read only pseudo register: the PMU interrupt line, PPI 23 or the PPI SETIRQ set, as the
 * guest sees it in its redistributor's GICR_ISPENDR0: 0 or 1; an SPI reads 0).
 * Writes to read-only registers (and reads of pmswinc) are executed as such: the kernel decides.
 *
 * Consecutive G lines of one vCPU are executed in ONE KVM_RUN (at most 383 per run; longer runs
 * are split); any other line (a U line, a G line of another vCPU, END) runs them first. A G line
 * for a vCPU that has not successfully done RUN makes the scenario NOTRUN.
 *
 * ============================ OUTPUT (console, every line starts "@@PMU ") ==================
 *   @@PMU INFO <free text>                  information (kernel, host PMUs, timings): ignore or log
 *   @@PMU R <id> <step> <result>            one per U line and per G READ/WRITE/SWINC, in step order;
 *       <result>: ok | E<ERRNO NAME> (e.g. EINVAL, or E<number> for an unnamed errno)
 *               | undef (the guest access was UNDEFINED) | 0x<hex value> (READ)
 *               | trap (nested: a vEL1 access KVM forwarded to the guest hypervisor as a trap,
 *                 EC 0x18; the probe's guest hypervisor reflects it to vEL1 as UNDEFINED)
 *   @@PMU NOTRUN <id> <reason>              the scenario could not be run (completely): discard
 *                                           any R lines of <id> printed before it
 *   @@PMU DONE <id>                         after every scenario (also after NOTRUN)
 *   @@PMU SPLAT <id> <log line>             after DONE: the host kernel logged a WARNING, BUG,
 *                                           Oops, "Unable to handle", lockdep or RCU splat while
 *                                           the scenario ran (H1; its first lines, hostlog.c)
 *   @@PMU END <count>                       after the batch: <count> = number of DONE lines
 *                                           (-1: batch abandoned, a scenario hung outside KVM_RUN)
 * Kernel messages may interleave with these lines; a consumer reads only lines starting "@@PMU ".
 *
 * ============================ THE VM ======================================================
 * One memslot of 64 KiB at GPA 0 (the guest code from guest.S at 0, vCPU i's op list at
 * 0x4000 + i * 0x3000); vGICv3, distributor 0x08000000, redistributors 0x080A0000 (created and
 * CTRL_INIT'ed right after the vCPUs, before any step); vCPUs start at PC 0 (reset value).
 * Guest exits: MMIO write to 0x10000000 + 8i ("done"), 0x10001000 + 8i (unexpected exception).
 * Every KVM_RUN is guarded: a per-scenario watchdog (SIGALRM + kvm_run.immediate_exit) ends a run
 * that does not come back; the scenario is then NOTRUN "timeout".
 * Each scenario runs in a fresh VM created by a fresh worker thread; the VM is kept (not torn
 * down) until the probe powers off, see vm_park (DESTROY 1: torn down by that thread after the
 * scenario's lines are printed, while the next scenario already runs).
 *
 * Cache maintenance: the probe writes op lists into guest memory between runs without cleaning
 * caches. That is fine under QEMU (no cache model); on real hardware an MMU-off guest would need
 * the host to clean those lines first (not needed for the oracle).
 */

int profile;
int sync_destroy;
int keep_vms = 1;            /* DESTROY 1 clears it: destroy each VM in the background instead */

/*
 * Each scenario runs in its own short-lived worker thread, and the worker keeps its VM (vm_park) or,
 * with DESTROY 1, destroys it only after it has handed the scenario back to the main thread. Why:
 *  - destroying a VM is slow on 7.2 (kvm_destroy_vm waits ~17 ms in srcu_barrier(), idle time),
 *    so the next scenario starts while the previous VM is still being torn down;
 *  - KVM's perf events for the guest counters are bound to the task that ran the vCPU. Once the
 *    worker has finished its scenario it only sleeps in close() and exits, so its events are never
 *    scheduled while the next worker's guest runs: VMs never share or steal host counters.
 * SIGALRM (the watchdog) is blocked everywhere except in the worker running a scenario.
 */
struct job {
	struct scenario *sc;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t inflight_cond = PTHREAD_COND_INITIALIZER;
static int inflight;                 /* workers that have not exited yet */
static double teardown_cpu;          /* CPU time the workers spent destroying VMs */

/*
 * VMs are not destroyed (unless the batch says DESTROY 1 or SYNCDESTROY 1): a VM's file descriptors
 * stay open until the probe powers the machine off, and its worker exits as usual. KVM's perf
 * events of the finished VM are bound to that exited thread, so they are never scheduled again and
 * share nothing with the next VM. Why:
 *  - tearing down a nested VM costs ~0.3 s of guest time (QEMU -cpu max,pauth=off,lpa2=off; ~4 s
 *    with the default -cpu max), which would dominate a nested batch;
 *  - tearing down an ordinary VM in the background still took ~27% of a batch's QEMU CPU time
 *    (throughput.txt on 7.2: 3.7 s -> 2.7 s of CPU for 320 scenarios without it). The guest has one
 *    CPU, so the teardown of the previous VM competed with the next scenario.
 * 400 VMs of 4 vCPUs each fit in the 512 MiB guest (checked on 6.1 and 7.2; the end line prints
 * MemAvailable).
 */
static int parked;
static void vm_park(struct vm *vm)
{
	if (vm->fd < 0)               /* never created, or already destroyed (SYNCDESTROY) */
		return;
	pthread_mutex_lock(&inflight_lock);
	parked++;
	pthread_mutex_unlock(&inflight_lock);
	memset(vm, 0, sizeof *vm);
}

static void *scenario_worker(void *arg)
{
	struct job *job = arg;
	struct scenario *sc = job->sc;
	struct vm vm;
	char why[200];
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);

	if (vm_create(&vm, sc, why, sizeof why)) {
		out("NOTRUN %s %s", sc->id, why);
		goto finish;
	}
	for (int s = 0; s < sc->nsteps;) {
		struct step *st = &sc->steps[s];
		if (IS_GUEST(st->cmd)) {
			int e = s + 1;
			while (e < sc->nsteps && IS_GUEST(sc->steps[e].cmd) && sc->steps[e].vcpu == st->vcpu)
				e++;
			if (run_guest_ops(&vm, sc, s, e - s))
				goto finish;
			s = e;
		} else {
			if (run_user_op(&vm, sc, st))
				goto finish;
			s++;
		}
	}
finish:
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	phase(PH_STEPS);
	if (sync_destroy)
		vm_destroy(&vm);
	out("DONE %s", sc->id);
	fflush(stdout);
	pthread_mutex_lock(&job->lock);           /* hand the scenario back: sc and job are the */
	job->done = 1;                            /* main thread's again from here on */
	pthread_cond_signal(&job->cond);
	pthread_mutex_unlock(&job->lock);

	struct timespec c0, c1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	if (keep_vms)
		vm_park(&vm);         /* never destroyed: see vm_park */
	else
		vm_destroy(&vm);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	pthread_mutex_lock(&inflight_lock);
	teardown_cpu += (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	inflight--;
	pthread_cond_broadcast(&inflight_cond);
	pthread_mutex_unlock(&inflight_lock);
	return NULL;
}

static void run_scenario(struct scenario *sc)
{
	if (kvm_unusable[0] || sc->error[0]) {
		out("NOTRUN %s %s", sc->id, kvm_unusable[0] ? kvm_unusable : sc->error);
		out("DONE %s", sc->id);
		fflush(stdout);
		return;
	}
	/* bound the number of VMs being torn down at once */
	pthread_mutex_lock(&inflight_lock);
	while (inflight >= 32)
		pthread_cond_wait(&inflight_cond, &inflight_lock);
	inflight++;
	pthread_mutex_unlock(&inflight_lock);

	static struct job job = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
	job.sc = sc;
	job.done = 0;
	timed_out = 0;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t th;
	alarm(scenario_timeout);
	int e = pthread_create(&th, &attr, scenario_worker, &job);
	pthread_attr_destroy(&attr);
	if (e) {
		alarm(0);
		pthread_mutex_lock(&inflight_lock);
		inflight--;
		pthread_mutex_unlock(&inflight_lock);
		out("NOTRUN %s pthread_create: %s", sc->id, errname(e));
		out("DONE %s", sc->id);
		fflush(stdout);
		return;
	}
	/* The watchdog ends a stuck KVM_RUN; anything else stuck for long means the kernel is wedged. */
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += scenario_timeout + 20;
	pthread_mutex_lock(&job.lock);
	while (!job.done)
		if (pthread_cond_timedwait(&job.cond, &job.lock, &deadline) == ETIMEDOUT && !job.done) {
			out("NOTRUN %s worker stuck outside KVM_RUN; giving up the batch", sc->id);
			out("DONE %s", sc->id);
			out("END -1");
			fflush(stdout);
			if (getpid() == 1)
				reboot(RB_POWER_OFF);
			_exit(1);
		}
	pthread_mutex_unlock(&job.lock);
	alarm(0);
	hostlog_check(sc->id);          /* H1: what the kernel logged while this scenario ran */
	fflush(stdout);
	phase_mark = profile ? now() : 0;
}

/* Waits (bounded) until every worker has destroyed its VM. */
static void wait_workers(void)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	pthread_mutex_lock(&inflight_lock);
	while (inflight > 0)
		if (pthread_cond_timedwait(&inflight_cond, &inflight_lock, &deadline) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&inflight_lock);
}



static void early_setup(int pid1)
{
	if (!pid1)
		return;
	mkdir("/dev", 0755);
	mkdir("/sys", 0755);
	mkdir("/proc", 0755);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	if (fcntl(1, F_GETFD) < 0) {          /* no /dev/console in the initramfs */
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
}


#ifndef PROBE_REPRO
/* KTAP version 1 (Documentation/dev-tools/ktap.rst): the version line and the plan, one test per scenario. */
static void ktap_header(FILE *f)
{
	char line[4096];
	int scenarios = 0;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line + strspn(line, " \t"), "SCENARIO", 8))
			scenarios++;
	rewind(f);
	printf("KTAP version 1\n1..%d\n", scenarios);
}
#endif

static long mem_available_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	int pid1 = getpid() == 1;
	early_setup(pid1);
#ifdef PROBE_REPRO
	check_mode = CHECK_REPRO;
#else
	if (argc > 1 && !strcmp(argv[1], "--ktap"))
		check_mode = CHECK_KTAP;
#endif
	struct rlimit nofile = { 65536, 65536 };        /* parked nested VMs keep their fds */
	if (setrlimit(RLIMIT_NOFILE, &nofile)) {
		getrlimit(RLIMIT_NOFILE, &nofile);
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	double t0 = now();

	struct utsname u;
	if (!uname(&u))
		out("INFO kernel %s %s", u.release, u.version);
	read_host_pmus();

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;          /* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);      /* only a scenario worker takes it */

	hostlog_open();
	kvm_setup();
	if (kvm_unusable[0])
		out("INFO kvm unusable: %s", kvm_unusable);

#ifdef PROBE_REPRO
	(void)argc;
	(void)argv;
	const char *path = "the embedded batch";
	FILE *f = fmemopen((void *)repro_batch, strlen(repro_batch), "r");
#else
	const char *path = argc > 1 ? argv[argc - 1] : "/batch.txt";
	FILE *f = fopen(path, "r");
	if (f && check_mode == CHECK_KTAP)
		ktap_header(f);
#endif
	int count = 0;
	unsigned long long tk0[3], tk1[3];
	cpu_ticks(tk0);
	double tstart = now();
	out("INFO start uptime %.3f", tstart);
	fflush(stdout);
	if (!f) {
		out("INFO cannot open %s: %s", path, strerror(errno));
	} else {
		count = run_batch(f, run_scenario);
		fclose(f);
	}
	double tend = now();
	cpu_ticks(tk1);
	wait_workers();
	out("INFO finished %d scenarios in %.3f s (%.1f/s); probe start-up %.3f s; uptime %.3f; %d VMs kept; MemAvailable %ld kB",
	    count, tend - tstart, count / (tend - tstart > 0 ? tend - tstart : 1), tstart - t0, tend, parked, mem_available_kb());
	if (profile)
		print_profile(tk0, tk1, teardown_cpu);
	out("END %d", count);
	int status = check_mode != CHECK_RAW ? check_exit_status() : 0;   /* KTAP: 1 when a test failed */
	if (check_mode == CHECK_REPRO) {
		printf("%s\n", status == 0 ? "result: the intended behaviour (all ok)"
		       : status == 1 ? "result: the known deviation is reproduced (exit 1)"
		       : status == 2 ? "result: a difference no known deviation explains, or a host kernel splat (exit 2)"
		       : status == 3 ? "result: the known deviation is reproduced and the host kernel logged a splat (exit 3)"
		       : "result: could not run (exit 4)");
		if (pid1)                          /* as /init under QEMU (CI): the harness's end marker */
			printf("@@PMU END %d\n", status);
	}
	fflush(stdout);
	if (pid1) {
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	return status;
}

/* ======== guest.S (src/KernelOracle/probe/guest.S): the code every vCPU runs ======== */
__asm__(
	"/*\n"
	" * guest.S - the code every vCPU of a probe VM runs (AArch64, MMU off, interrupts masked): at EL1h\n"
	" * in an ordinary VM, and in a nested VM (vCPU with HAS_EL2) at vEL2 first, the guest hypervisor's\n"
	" * own vEL1 after an EXIT_HYP op, and EL0 for LOOP_EL0 ops (vEL0 in a nested VM).\n"
	" *\n"
	" * It is not run by the probe itself: the probe copies the bytes between guest_blob_start and\n"
	" * guest_blob_end to guest physical address 0 of each VM, where a vCPU starts after reset (PC 0).\n"
	" * All code here is position independent (PC-relative only).\n"
	" *\n"
	" * Protocol (the constants must match probe.h):\n"
	" *   idx   = MPIDR_EL1.Aff0                        (= vCPU index, KVM sets Aff0 = vcpu_id)\n"
	" *   ops   = 0x4000 + idx * 0x3000                 list of 32-byte records (op, reg, value, result, status)\n"
	" *   exit  = 0x10000000 + idx * 8                  MMIO write here = \"list done\" (unmapped GPA)\n"
	" *   fatal = 0x10001000 + idx * 8                  MMIO write here = unexpected exception (data = ESR|marker)\n"
	" *   sgi   = 0x080A0000 + idx * 0x20000 + 0x10000  this vCPU's GICv3 redistributor SGI frame\n"
	" *\n"
	" * Loop: execute the records from ops until one has op 0, write to exit, and when resumed start\n"
	" * again at ops (the probe has written a new list meanwhile). The exit and the next list happen in\n"
	" * whatever context the vCPU is in (vEL2 or vEL1): the context carries over from list to list.\n"
	" *   op 1 READ  reg  -> result = value read            op 2 WRITE reg value\n"
	" *   op 3 LOOP  value iterations of a two-instruction loop, in the current context (EL1, vEL2, vEL1)\n"
	" *   op 4 LOOP_EL0  the same loop at EL0: ERET to EL0, loop, SVC back (from vEL2: SVC to vEL1, then\n"
	" *              HVC to vEL2); the few instructions of the transitions run at EL1 (and vEL2)\n"
	" *   op 5 ENTER_HYP  at vEL1: HVC, the guest hypervisor's vector takes it and carries on at vEL2\n"
	" *   op 6 EXIT_HYP   at vEL2: ERET to vEL1 (SPSR_EL2 = 0x3c5, EL1h, DAIF masked)\n"
	" *   status: 0 done, 1 bad register id or op, bit 63 | ESR_ELx the access raised a synchronous\n"
	" *   exception (UNDEFINED: ESR.EC 0x00 or 0x18) and was skipped; bit 62 too when a vEL1 access was\n"
	" *   trapped to the guest hypervisor (vEL2), which reflects it as UNDEFINED.\n"
	" *\n"
	" * Register ids (index into the jump tables; must match batch.c's table):\n"
	" *   0 pmcr 1 pmcntenset 2 pmcntenclr 3 pmovsclr 4 pmswinc 5 pmselr 6 pmceid0 7 pmceid1 8 pmccntr\n"
	" *   9 pmxevtyper 10 pmxevcntr 11 pmuserenr 12 pmintenset 13 pmintenclr 14 pmovsset 15 pmccfiltr\n"
	" *   16 id_aa64dfr0 17 irq (GICR_ISPENDR0, read only; the probe keeps the PMU PPI's bit) 18 pmmir 19 mdcr_el2\n"
	" *   32+n pmevcntr<n>, 64+n pmevtyper<n> (n = 0..30)\n"
	" *\n"
	" * Registers: x0 ops, x1 idx, x2 sgi, x3 exit, x4 fatal, x19 record pointer, x20 status,\n"
	" *   x21 read result, x22 value, x23 the interpreter's context (1 EL1/vEL1, 2 vEL2);\n"
	" *   x9-x11 scratch (the exception handlers clobber x9).\n"
	" */\n"
	"\n"
	"\t.section .rodata.guest, \"a\"\n"
	"\t.balign 4096\n"
	"\t.global guest_blob_start\n"
	"\t.global guest_blob_end\n"
	"guest_blob_start:\n"
	"\tb\tg_start\n"
	"\tb\tg_start\t\t/* also at 4: a kernel that completes a stale MMIO exit after a vCPU reset */\n"
	"\n"
	"/* ---- exception vectors (VBAR_ELx needs 2 KiB alignment) ---- */\n"
	"\t.macro\tVENT target\n"
	"\t.balign\t0x80\n"
	"\tb\t\\target\n"
	"\t.endm\n"
	"\t.macro\tVBAD code\n"
	"\t.balign\t0x80\n"
	"\tmov\tx20, #\\code\n"
	"\tb\tg_fatal\n"
	"\t.endm\n"
	"\n"
	"/* EL1 (and the nested VM's vEL1) */\n"
	"\t.balign\t0x800\n"
	"g_vectors:\n"
	"\tVENT\tg_sync\t\t/* current EL, SP_EL0: sync */\n"
	"\tVBAD\t0x101\n"
	"\tVBAD\t0x102\n"
	"\tVBAD\t0x103\n"
	"\tVENT\tg_sync\t\t/* current EL, SP_ELx: sync */\n"
	"\tVBAD\t0x105\n"
	"\tVBAD\t0x106\n"
	"\tVBAD\t0x107\n"
	"\tVENT\tg_svc\t\t/* lower EL (EL0), AArch64: sync (SVC back from a LOOP_EL0) */\n"
	"\tVBAD\t0x109\n"
	"\tVBAD\t0x10a\n"
	"\tVBAD\t0x10b\n"
	"\tVBAD\t0x10c\t\t/* lower EL, AArch32 */\n"
	"\tVBAD\t0x10d\n"
	"\tVBAD\t0x10e\n"
	"\tVBAD\t0x10f\n"
	"\n"
	"/* vEL2 (the guest hypervisor of a nested VM) */\n"
	"\t.balign\t0x800\n"
	"g_vectors2:\n"
	"\tVENT\tg_sync2\t\t/* current EL, SP_EL0: sync */\n"
	"\tVBAD\t0x201\n"
	"\tVBAD\t0x202\n"
	"\tVBAD\t0x203\n"
	"\tVENT\tg_sync2\t\t/* current EL, SP_ELx: sync */\n"
	"\tVBAD\t0x205\n"
	"\tVBAD\t0x206\n"
	"\tVBAD\t0x207\n"
	"\tVENT\tg_hvc2\t\t/* lower EL (vEL1), AArch64: sync (HVC = ENTER_HYP) */\n"
	"\tVBAD\t0x209\n"
	"\tVBAD\t0x20a\n"
	"\tVBAD\t0x20b\n"
	"\tVBAD\t0x20c\n"
	"\tVBAD\t0x20d\n"
	"\tVBAD\t0x20e\n"
	"\tVBAD\t0x20f\n"
	"\n"
	"g_sync:\n"
	"\tmrs\tx20, esr_el1\n"
	"\tlsr\tx9, x20, #26\t\t/* EC */\n"
	"\tcbz\tx9, 1f\t\t\t/* unknown reason: UNDEFINED instruction */\n"
	"\tcmp\tx9, #0x18\t\t/* trapped MSR/MRS */\n"
	"\tb.ne\tg_fatal\n"
	"1:\torr\tx20, x20, #0x8000000000000000\n"
	"\tmrs\tx9, elr_el1\n"
	"\tadd\tx9, x9, #4\n"
	"\tmsr\telr_el1, x9\n"
	"\teret\n"
	"\n"
	"g_sync2:\n"
	"\tmrs\tx20, esr_el2\n"
	"\tlsr\tx9, x20, #26\n"
	"\tcbz\tx9, 1f\n"
	"\tcmp\tx9, #0x18\n"
	"\tb.ne\tg_fatal2\n"
	"1:\torr\tx20, x20, #0x8000000000000000\n"
	"\tmrs\tx9, elr_el2\n"
	"\tadd\tx9, x9, #4\n"
	"\tmsr\telr_el2, x9\n"
	"\teret\n"
	"\n"
	"/* SVC from EL0 (end of a LOOP_EL0): carry on at EL1, or go back up to vEL2 by HVC. */\n"
	"g_svc:\n"
	"\tmrs\tx9, esr_el1\n"
	"\tlsr\tx9, x9, #26\n"
	"\tcmp\tx9, #0x15\t\t/* SVC from AArch64 */\n"
	"\tb.ne\tg_sync\n"
	"\tcmp\tx23, #2\n"
	"\tb.eq\t2f\n"
	"\tb\tg_store\n"
	"2:\thvc\t#1\t\t\t/* g_hvc2 carries on at vEL2 with g_store */\n"
	"\tb\tg_store\t\t\t/* not reached */\n"
	"\n"
	"/* HVC from vEL1: ENTER_HYP, or the way back from a LOOP_EL0 started at vEL2. A register access\n"
	" * of vEL1 that KVM forwards to the guest hypervisor (EC 0x18: on 7.2 the hyp counters [HPMN, N),\n"
	" * check_mdcr_hpmn() in emulate-nested.c) is reflected as UNDEFINED: skipped, status bit 63 | bit 62\n"
	" * (\"taken to vEL2\") | ESR_EL2, back to vEL1. */\n"
	"g_hvc2:\n"
	"\tmrs\tx20, esr_el2\n"
	"\tlsr\tx9, x20, #26\n"
	"\tcmp\tx9, #0x18\n"
	"\tb.ne\t8f\n"
	"\torr\tx20, x20, #0x8000000000000000\n"
	"\torr\tx20, x20, #0x4000000000000000\n"
	"\tmrs\tx9, elr_el2\n"
	"\tadd\tx9, x9, #4\n"
	"\tmsr\telr_el2, x9\n"
	"\teret\n"
	"8:\tcmp\tx9, #0x16\t\t/* HVC from AArch64 */\n"
	"\tb.ne\tg_fatal2\n"
	"\tand\tx9, x20, #0xffff\t/* HVC immediate: 2 = start-up trip, the rest carry on */\n"
	"\tmov\tx20, #0\n"
	"\tmov\tx23, #2\n"
	"\tcmp\tx9, #2\n"
	"\tb.eq\tg_top\n"
	"\tb\tg_store\n"
	"\n"
	"/* Unexpected exception: leave ELR and the marker below the op list and exit on the fatal\n"
	" * address, again and again (the probe never resumes such a vCPU on purpose). */\n"
	"g_fatal2:\n"
	"\tmrs\tx21, elr_el2\n"
	"\tb\t3f\n"
	"g_fatal:\n"
	"\tmrs\tx21, elr_el1\n"
	"3:\tstur\tx21, [x0, #-16]\n"
	"\tstur\tx20, [x0, #-8]\n"
	"2:\tstr\tx20, [x4]\n"
	"\tb\t2b\n"
	"\n"
	"/* ---- start ---- */\n"
	"g_start:\n"
	"\tmrs\tx9, mpidr_el1\n"
	"\tand\tx1, x9, #0xff\n"
	"\tmov\tx0, #0x4000\n"
	"\tmov\tx10, #0x3000\n"
	"\tmadd\tx0, x1, x10, x0\n"
	"\tmov\tx2, #0x080a0000\n"
	"\tadd\tx2, x2, x1, lsl #17\n"
	"\tadd\tx2, x2, #0x10, lsl #12\n"
	"\tmov\tx3, #0x10000000\n"
	"\tadd\tx3, x3, x1, lsl #3\n"
	"\tadd\tx4, x3, #0x1000\n"
	"\tmov\tx23, #1\n"
	"\tmrs\tx9, CurrentEL\n"
	"\tcmp\tx9, #(2 << 2)\n"
	"\tb.ne\tg_el1_init\n"
	"\t/* vEL2: own vectors, EL1 in AArch64 (HCR_EL2.RW) and nothing else trapped or routed; then\n"
	"\t * one trip to vEL1 to set its vectors (VBAR_EL1 is the vEL1 register whatever E2H is). */\n"
	"\tadr\tx9, g_vectors2\n"
	"\tmsr\tvbar_el2, x9\n"
	"\tmov\tx9, #(1 << 31)\n"
	"\tmsr\thcr_el2, x9\n"
	"\tisb\n"
	"\tmov\tx23, #2\n"
	"\tadr\tx9, g_el1_init\n"
	"\tmsr\telr_el2, x9\n"
	"\tmov\tx9, #0x3c5\n"
	"\tmsr\tspsr_el2, x9\n"
	"\teret\n"
	"g_el1_init:\n"
	"\tadr\tx9, g_vectors\n"
	"\tmsr\tvbar_el1, x9\n"
	"\tisb\n"
	"\tcmp\tx23, #2\n"
	"\tb.ne\tg_top\n"
	"\thvc\t#2\t\t\t/* back to vEL2: g_hvc2 -> g_top */\n"
	"\n"
	"g_top:\n"
	"\tmov\tx19, x0\n"
	"g_next:\n"
	"\tldp\tw10, w11, [x19]\n"
	"\tldr\tx22, [x19, #8]\n"
	"\tcbz\tw10, g_done\n"
	"\tmov\tx20, #0\n"
	"\tmov\tx21, #0\n"
	"\tcmp\tw10, #1\n"
	"\tb.eq\tg_read\n"
	"\tcmp\tw10, #2\n"
	"\tb.eq\tg_write\n"
	"\tcmp\tw10, #3\n"
	"\tb.eq\tg_loop\n"
	"\tcmp\tw10, #4\n"
	"\tb.eq\tg_loop_el0\n"
	"\tcmp\tw10, #5\n"
	"\tb.eq\tg_enter_hyp\n"
	"\tcmp\tw10, #6\n"
	"\tb.eq\tg_exit_hyp\n"
	"g_badreg:\n"
	"\tmov\tx20, #1\n"
	"g_store:\n"
	"\tstp\tx21, x20, [x19, #16]\n"
	"\tadd\tx19, x19, #32\n"
	"\tb\tg_next\n"
	"\n"
	"g_read:\n"
	"\tcmp\tw11, #96\n"
	"\tb.hs\tg_badreg\n"
	"\tadr\tx9, g_rtab\n"
	"\tadd\tx9, x9, x11, lsl #3\n"
	"\tbr\tx9\n"
	"\n"
	"g_write:\n"
	"\tcmp\tw11, #96\n"
	"\tb.hs\tg_badreg\n"
	"\tadr\tx9, g_wtab\n"
	"\tadd\tx9, x9, x11, lsl #3\n"
	"\tbr\tx9\n"
	"\n"
	"g_loop:\n"
	"\tcbz\tx22, g_store\n"
	"3:\tsubs\tx22, x22, #1\n"
	"\tb.ne\t3b\n"
	"\tb\tg_store\n"
	"\n"
	"/* LOOP_EL0: from EL1 (vEL1) ERET to EL0 (SPSR 0x3c0: EL0t, DAIF masked); from vEL2 the same\n"
	" * through SPSR_EL2/ELR_EL2 (vEL0 of the guest hypervisor's EL1&0 regime). */\n"
	"g_loop_el0:\n"
	"\tadr\tx9, g_el0_code\n"
	"\tcmp\tx23, #2\n"
	"\tb.eq\t4f\n"
	"\tmsr\telr_el1, x9\n"
	"\tmov\tx9, #0x3c0\n"
	"\tmsr\tspsr_el1, x9\n"
	"\tisb\n"
	"\teret\n"
	"4:\tmsr\telr_el2, x9\n"
	"\tmov\tx9, #0x3c0\n"
	"\tmsr\tspsr_el2, x9\n"
	"\tisb\n"
	"\teret\n"
	"g_el0_code:\n"
	"\tcbz\tx22, 6f\n"
	"5:\tsubs\tx22, x22, #1\n"
	"\tb.ne\t5b\n"
	"6:\tsvc\t#0\t\t\t/* g_svc carries on */\n"
	"\n"
	"g_enter_hyp:\n"
	"\tcmp\tx23, #2\n"
	"\tb.eq\tg_badreg\t\t/* already at vEL2 */\n"
	"\thvc\t#0\t\t\t/* g_hvc2 carries on at vEL2 */\n"
	"\tb\tg_badreg\t\t/* not reached: HVC without a guest hypervisor */\n"
	"\n"
	"g_exit_hyp:\n"
	"\tcmp\tx23, #2\n"
	"\tb.ne\tg_badreg\n"
	"\tadr\tx9, 7f\n"
	"\tmsr\telr_el2, x9\n"
	"\tmov\tx9, #0x3c5\n"
	"\tmsr\tspsr_el2, x9\n"
	"\tisb\n"
	"\teret\n"
	"7:\tmov\tx23, #1\n"
	"\tb\tg_store\n"
	"\n"
	"g_read_irq:\n"
	"\tldr\tw21, [x2, #0x200]\t/* GICR_ISPENDR0: the probe keeps the bit of the PMU's PPI */\n"
	"\tb\tg_store\n"
	"\n"
	"g_done:\n"
	"\tstr\tx1, [x3]\t\t/* exit to the probe */\n"
	"\tb\tg_top\n"
	"\n"
	"/* ---- jump tables: 96 slots of 8 bytes (access instruction, branch) ---- */\n"
	"\t/* mrs x21, S<3|2>_op1_Ccrn_Ccrm_op2 (op0 = 3) */\n"
	"\t.macro\tR op1, crn, crm, op2\n"
	"\t.inst\t0xd5380000 | ((\\op1) << 16) | ((\\crn) << 12) | ((\\crm) << 8) | ((\\op2) << 5) | 21\n"
	"\tb\tg_store\n"
	"\t.endm\n"
	"\t/* msr S3_op1_Ccrn_Ccrm_op2, x22 */\n"
	"\t.macro\tW op1, crn, crm, op2\n"
	"\t.inst\t0xd5180000 | ((\\op1) << 16) | ((\\crn) << 12) | ((\\crm) << 8) | ((\\op2) << 5) | 22\n"
	"\tb\tg_store\n"
	"\t.endm\n"
	"\t.macro\tNONE\n"
	"\tb\tg_badreg\n"
	"\tnop\n"
	"\t.endm\n"
	"\n"
	"\t.macro\tTABLE A\n"
	"\t\\A\t3,9,12,0\t\t/* 0  PMCR_EL0 */\n"
	"\t\\A\t3,9,12,1\t\t/* 1  PMCNTENSET_EL0 */\n"
	"\t\\A\t3,9,12,2\t\t/* 2  PMCNTENCLR_EL0 */\n"
	"\t\\A\t3,9,12,3\t\t/* 3  PMOVSCLR_EL0 */\n"
	"\t\\A\t3,9,12,4\t\t/* 4  PMSWINC_EL0 */\n"
	"\t\\A\t3,9,12,5\t\t/* 5  PMSELR_EL0 */\n"
	"\t\\A\t3,9,12,6\t\t/* 6  PMCEID0_EL0 */\n"
	"\t\\A\t3,9,12,7\t\t/* 7  PMCEID1_EL0 */\n"
	"\t\\A\t3,9,13,0\t\t/* 8  PMCCNTR_EL0 */\n"
	"\t\\A\t3,9,13,1\t\t/* 9  PMXEVTYPER_EL0 */\n"
	"\t\\A\t3,9,13,2\t\t/* 10 PMXEVCNTR_EL0 */\n"
	"\t\\A\t3,9,14,0\t\t/* 11 PMUSERENR_EL0 */\n"
	"\t\\A\t0,9,14,1\t\t/* 12 PMINTENSET_EL1 */\n"
	"\t\\A\t0,9,14,2\t\t/* 13 PMINTENCLR_EL1 */\n"
	"\t\\A\t3,9,14,3\t\t/* 14 PMOVSSET_EL0 */\n"
	"\t\\A\t3,14,15,7\t\t/* 15 PMCCFILTR_EL0 */\n"
	"\t\\A\t0,0,5,0\t\t\t/* 16 ID_AA64DFR0_EL1 */\n"
	"\t.endm\n"
	"\n"
	"\t.balign\t8\n"
	"g_rtab:\n"
	"\tTABLE\tR\n"
	"\tb\tg_read_irq\t\t/* 17 irq */\n"
	"\tnop\n"
	"\tR\t0,9,14,6\t\t/* 18 PMMIR_EL1 */\n"
	"\tR\t4,1,1,1\t\t\t/* 19 MDCR_EL2 (UNDEFINED at EL1) */\n"
	"\t.rept\t12\t\t\t/* 20..31 */\n"
	"\tNONE\n"
	"\t.endr\n"
	"\t.set\tn, 0\n"
	"\t.rept\t31\t\t\t/* 32..62 PMEVCNTR<n>_EL0 */\n"
	"\tR\t3,14,(8+n/8),(n%8)\n"
	"\t.set\tn, n+1\n"
	"\t.endr\n"
	"\tNONE\t\t\t\t/* 63 */\n"
	"\t.set\tn, 0\n"
	"\t.rept\t31\t\t\t/* 64..94 PMEVTYPER<n>_EL0 */\n"
	"\tR\t3,14,(12+n/8),(n%8)\n"
	"\t.set\tn, n+1\n"
	"\t.endr\n"
	"\tNONE\t\t\t\t/* 95 */\n"
	"\n"
	"g_wtab:\n"
	"\tTABLE\tW\n"
	"\tNONE\t\t\t\t/* 17 irq: read only */\n"
	"\tW\t0,9,14,6\t\t/* 18 PMMIR_EL1 */\n"
	"\tW\t4,1,1,1\t\t\t/* 19 MDCR_EL2 */\n"
	"\t.rept\t12\n"
	"\tNONE\n"
	"\t.endr\n"
	"\t.set\tn, 0\n"
	"\t.rept\t31\n"
	"\tW\t3,14,(8+n/8),(n%8)\n"
	"\t.set\tn, n+1\n"
	"\t.endr\n"
	"\tNONE\n"
	"\t.set\tn, 0\n"
	"\t.rept\t31\n"
	"\tW\t3,14,(12+n/8),(n%8)\n"
	"\t.set\tn, n+1\n"
	"\t.endr\n"
	"\tNONE\n"
	"guest_blob_end:\n"
);

/* ======== the scenario as a probe batch (format: probe.c), with its checks (check.c) ======== */
const char repro_batch[] =
	"SCENARIO repro vcpus=1 pmu=1 el2=1 el3=0 nested=0\n"
	"U 0 0 INIT\n"
	"U 1 0 RUN\n"
	"G 2 0 WRITE pmcr 0x1\n"
	"G 3 0 WRITE pmcr 0x0\n"
	"G 4 0 WRITE pmcntenclr 0x80000000\n"
	"U 5 0 SETREG pmccntr 0x1000\n"
	"G 6 0 LOOP 100\n"
	"G 7 0 READ pmccntr\n"
	"CHECK 0 ok - - 13 init\n"
	"CHECK 1 ok - - 14 run\n"
	"CHECK 2 ok - - 15 write pmcr 0x1\n"
	"CHECK 3 ok - - 16 write pmcr 0x0\n"
	"CHECK 4 ok - - 17 write pmcntenclr 0x80000000\n"
	"CHECK 5 ok - - 18 set-reg pmccntr 0x1000\n"
	"CHECK 7 0x1000 !0x1000 KD14 20 read pmccntr\n"
	"END\n"
	;
