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
#include "probe.h"

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
