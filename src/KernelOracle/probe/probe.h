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
