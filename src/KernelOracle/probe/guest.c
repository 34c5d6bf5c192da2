/* guest.c - the guest program from the host's side: G steps -> op records (guest.S), KVM_RUN, exits. */
#include "probe.h"

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
