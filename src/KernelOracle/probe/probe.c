/*
 * probe.c - the kernel oracle's probe: /init (PID 1) of an initramfs booted in QEMU
 * (arm64, EL2, KVM inside). It runs a batch of PMU scenarios against the real kernel's KVM, each
 * in a fresh VM, prints one result line per step on the console, and powers the machine off.
 * It can also run as an ordinary program on any arm64 Linux with /dev/kvm:
 *     probe [batch-file]          (default /batch.txt; no power-off when not PID 1)
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
 *   SYNCDESTROY 1                          optional: destroy each VM before the next scenario
 *                                          starts (slow on 7.2; for comparisons only)
 *   SCENARIO <id> vcpus=<1-4> pmu=<0|1> el2=<0|1> el3=<0|1>
 *       vcpus: number of vCPUs (all created before the first step)
 *       pmu=1: every vCPU is created with the PMUv3 feature; pmu=0: none is
 *       el2/el3=0: userspace lowers ID_AA64PFR0_EL1.EL2 / .EL3 to 0 before any step (NOTRUN if the
 *       kernel refuses); =1: the field is left as KVM reports it (on QEMU the host has no EL3, so
 *       the EL3 field is 0 either way). Defaults: vcpus=1 pmu=1 el2=1 el3=1.
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
 *   G <step> <vcpu> READ <reg>
 *   G <step> <vcpu> WRITE <reg> <value>
 *   G <step> <vcpu> SWINC <mask>            = WRITE pmswinc <mask>
 *   G <step> <vcpu> LOOP <iterations>       counted loop at EL1 (subs + b.ne per iteration);
 *                                           no result line
 *   END                                     ends the scenario: it is run now
 * <vcpu> is 0 .. vcpus-1. <reg>: pmcr pmcntenset pmcntenclr pmintenset pmintenclr pmovsset
 * pmovsclr pmselr pmswinc pmxevtyper pmxevcntr pmevtyper0..30 pmevcntr0..30 pmccfiltr pmccntr
 * pmceid0 pmceid1 pmuserenr pmmir id_aa64dfr0 mdcr_el2 (the guest runs at EL1: UNDEFINED), and
 * irq (read only pseudo register: the PMU interrupt line, PPI 23, as the guest sees it in its
 * redistributor's GICR_ISPENDR0: 0 or 1).
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
 *   @@PMU NOTRUN <id> <reason>              the scenario could not be run (completely): discard
 *                                           any R lines of <id> printed before it
 *   @@PMU DONE <id>                         after every scenario (also after NOTRUN)
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
 * Each scenario runs in a fresh VM created by a fresh worker thread; the VM is torn down by that
 * thread after the scenario's lines are printed, while the next scenario already runs (see
 * run_scenario for why this is safe and why it matters on 7.2).
 *
 * Cache maintenance: the probe writes op lists into guest memory between runs without cleaning
 * caches. That is fine under QEMU (no cache model); on real hardware an MMU-off guest would need
 * the host to clean those lines first (not needed for the oracle).
 */
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

#define ST_BADREG 1ull
#define ST_EXC    (1ull << 63)

extern const unsigned char guest_blob_start[], guest_blob_end[];

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

/* ---- guest register names -> jump table ids (guest.S) ---- */
struct regname { const char *name; int id; };
static const struct regname regnames[] = {
	{ "pmcr", 0 }, { "pmcntenset", 1 }, { "pmcntenclr", 2 }, { "pmovsclr", 3 },
	{ "pmswinc", 4 }, { "pmselr", 5 }, { "pmceid0", 6 }, { "pmceid1", 7 },
	{ "pmccntr", 8 }, { "pmxevtyper", 9 }, { "pmxevcntr", 10 }, { "pmuserenr", 11 },
	{ "pmintenset", 12 }, { "pmintenclr", 13 }, { "pmovsset", 14 }, { "pmccfiltr", 15 },
	{ "id_aa64dfr0", 16 }, { "irq", 17 }, { "pmmir", 18 }, { "mdcr_el2", 19 },
};
#define REG_PMSWINC 4

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

/* ---- batch representation ---- */
enum cmd {
	U_FILTER = 1, U_FILTERFAULT, U_SETPMU, U_SETNR, U_SETPMUVER, U_ATTR, U_INIT, U_RUN,
	G_READ, G_WRITE, G_SWINC, G_LOOP,
};
#define IS_GUEST(c) ((c) >= G_READ)

struct step {
	char name[32];
	int vcpu, cmd, reg;
	uint64_t a, b, c, d;
};

struct scenario {
	char id[64];
	int vcpus, pmu, el2, el3;
	int nsteps, cap;
	struct step *steps;
	char error[160];           /* parse error: the scenario is NOTRUN */
};

/* ---- output ---- */
static char outbuf[1 << 16];

static void out(const char *fmt, ...)
{
	va_list ap;
	fputs("@@PMU ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static const char *errname(int e)
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

/* ---- global KVM state ---- */
static int kvm_fd = -1;
static long run_size;
static struct kvm_vcpu_init preferred;
static int scenario_timeout = 2;           /* guest-virtual seconds (see TIMEOUT) */
static char kvm_unusable[160];                /* non-empty: every scenario is NOTRUN */

struct hostpmu { char name[256]; int type; };
static struct hostpmu hostpmus[8];
static int nhostpmus;

/* PROFILE 1: accumulate time per phase (guest-virtual time under -icount) */
static int profile;
static int sync_destroy;             /* SYNCDESTROY 1: destroy each VM before the next scenario */
enum { PH_CREATE, PH_MEMSLOT, PH_VCPU, PH_VGIC, PH_STEPS, PH_N };
static const char *const phase_names[PH_N] = { "create_vm", "memslot", "vcpus", "vgic", "steps" };
static double phase_time[PH_N];
static double phase_mark;
static double now(void);
static void phase(int ph)
{
	if (!profile)
		return;
	double t = now();
	phase_time[ph] += t - phase_mark;
	phase_mark = t;
}

static volatile sig_atomic_t timed_out;
static struct kvm_run *volatile current_run;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	struct kvm_run *r = current_run;
	if (r)
		r->immediate_exit = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a VM ---- */
struct vcpu {
	int fd;
	struct kvm_run *run;
	int irq_set;      /* IRQ attribute succeeded once */
	int ran;          /* a RUN succeeded: guest ops allowed */
	int dead;         /* guest hit an unexpected exception / timeout */
};

struct vm {
	int fd, gic;
	int n;
	unsigned char *mem;       /* the VM's guest memory (MEM_SIZE bytes at GPA 0) */
	struct vcpu v[MAX_VCPUS];
};

static void vm_destroy(struct vm *vm)
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
static int vm_create(struct vm *vm, const struct scenario *sc, char *why, size_t whylen)
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
	    (e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist)) ||
	    (e = dev_attr(vm->gic, 1, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL))) {
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
static int vcpu_run(struct vm *vm, int i, char *why, size_t whylen)
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

static void print_result(const struct scenario *sc, const struct step *st, uint64_t result, uint64_t status)
{
	if (status == 0) {
		if (st->cmd == G_READ)
			out("R %s %s 0x%llx", sc->id, st->name, (unsigned long long)result);
		else
			out("R %s %s ok", sc->id, st->name);
	} else if (status & ST_EXC) {
		out("R %s %s undef", sc->id, st->name);
	} else {
		out("R %s %s Ebadreg", sc->id, st->name);
	}
}

/* Runs the guest steps [from, from+count) of vCPU i. Returns 0 or -1 (NOTRUN printed). */
static int run_guest_ops(struct vm *vm, const struct scenario *sc, int from, int count)
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
			if (st->cmd != G_LOOP)
				print_result(sc, st, res, status);
		}
		from += n;
		count -= n;
	}
	return 0;
}

static int host_pmu_id(uint64_t k)
{
	return k < (uint64_t)nhostpmus ? hostpmus[k].type : 0x7fff0000;
}

/* Executes one user-space step. Returns 0 or -1 (NOTRUN printed). */
static int run_user_op(struct vm *vm, const struct scenario *sc, const struct step *st)
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

/*
 * Each scenario runs in its own short-lived worker thread, and the worker destroys the VM only
 * after it has handed the scenario back to the main thread. Why:
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

/* ---- parsing ---- */
static int parse_u64(const char *s, uint64_t *v)
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
		{ "READ", G_READ, 1, 'G' }, { "WRITE", G_WRITE, 2, 'G' },
		{ "SWINC", G_SWINC, 1, 'G' }, { "LOOP", G_LOOP, 1, 'G' },
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
	int nargs = n - 4;
	int want = cmds[found].nargs;
	if (!(nargs == want || (st.cmd == U_FILTER && nargs == 4))) {
		sc_error(sc, lineno, "wrong number of arguments");
		return;
	}
	char **arg = tok + 4;
	uint64_t *dst[4] = { &st.a, &st.b, &st.c, &st.d };
	int first = 0;
	if (st.cmd == G_READ || st.cmd == G_WRITE) {
		st.reg = reg_lookup(arg[0]);
		if (st.reg < 0) {
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
	sc->vcpus = 1; sc->pmu = 1; sc->el2 = 1; sc->el3 = 1;
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
		else sc_error(sc, lineno, "bad SCENARIO option");
	}
	return 0;
}

/* CPU time split of the guest kernel (from /proc/stat, in clock ticks): user system idle */
static void cpu_ticks(unsigned long long t[3])
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

/* ---- start-up ---- */
static void read_host_pmus(void)
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

static void kvm_setup(void)
{
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		snprintf(kvm_unusable, sizeof kvm_unusable, "no /dev/kvm: %s", errname(errno));
		return;
	}
	out("INFO kvm api %d pmu_v3 %d max_vcpus %d ipa_size %d", ioctl(kvm_fd, KVM_GET_API_VERSION, 0),
	    ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PMU_V3),
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

int main(int argc, char **argv)
{
	int pid1 = getpid() == 1;
	early_setup(pid1);
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	double t0 = now();

	struct utsname u;
	if (!uname(&u))
		out("INFO kernel %s %s", u.release, u.version);
	read_host_pmus();
	for (int i = 0; i < nhostpmus; i++)
		out("INFO hostpmu %d %s type %d", i, hostpmus[i].name, hostpmus[i].type);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;          /* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);      /* only a scenario worker takes it */

	kvm_setup();
	if (kvm_unusable[0])
		out("INFO kvm unusable: %s", kvm_unusable);

	const char *path = argc > 1 ? argv[1] : "/batch.txt";
	FILE *f = fopen(path, "r");
	int count = 0;
	unsigned long long tk0[3], tk1[3];
	cpu_ticks(tk0);
	double tstart = now();
	out("INFO start uptime %.3f", tstart);
	fflush(stdout);
	if (!f) {
		out("INFO cannot open %s: %s", path, strerror(errno));
	} else {
		static char line[4096];
		char *tok[16];
		struct scenario sc;
		memset(&sc, 0, sizeof sc);
		int in = 0, lineno = 0;
		while (fgets(line, sizeof line, f)) {
			lineno++;
			int n = tokenize(line, tok, 16);
			if (n == 0)
				continue;
			if (!strcmp(tok[0], "SCENARIO")) {
				if (in) {       /* missing END: run what we have, flagged */
					sc_error(&sc, lineno, "SCENARIO without END before it");
					run_scenario(&sc);
					count++;
				}
				parse_scenario_header(&sc, tok, n, lineno);
				in = 1;
			} else if (!strcmp(tok[0], "END")) {
				if (!in) {
					out("INFO batch line %d: END outside a scenario", lineno);
					continue;
				}
				run_scenario(&sc);
				count++;
				in = 0;
			} else if (!strcmp(tok[0], "U") || !strcmp(tok[0], "G")) {
				if (!in)
					out("INFO batch line %d: step outside a scenario", lineno);
				else
					parse_step(&sc, tok, n, lineno);
			} else if (!strcmp(tok[0], "PROFILE") && !in && n == 2) {
				profile = atoi(tok[1]) != 0;
			} else if (!strcmp(tok[0], "SYNCDESTROY") && !in && n == 2) {
				sync_destroy = atoi(tok[1]) != 0;
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
			run_scenario(&sc);
			count++;
		}
		fclose(f);
		free(sc.steps);
	}
	double tend = now();
	cpu_ticks(tk1);
	wait_workers();
	out("INFO finished %d scenarios in %.3f s (%.1f/s); probe start-up %.3f s; uptime %.3f",
	    count, tend - tstart, count / (tend - tstart > 0 ? tend - tstart : 1), tstart - t0, tend);
	if (profile) {
		long hz = sysconf(_SC_CLK_TCK);
		out("INFO profile cpu user %.3f s system %.3f s idle %.3f s", (tk1[0] - tk0[0]) / (double)hz,
		    (tk1[1] - tk0[1]) / (double)hz, (tk1[2] - tk0[2]) / (double)hz);
		out("INFO profile teardown (cpu, all workers) %.3f s", teardown_cpu);
		top_tasks();
	}
	if (profile)
		for (int i = 0; i < PH_N; i++)
			out("INFO profile %s %.3f s", phase_names[i], phase_time[i]);
	out("END %d", count);
	fflush(stdout);
	if (pid1) {
		sync();
		reboot(RB_POWER_OFF);
		for (;;)
			pause();
	}
	return 0;
}
