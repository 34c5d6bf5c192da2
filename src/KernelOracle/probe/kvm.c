/*
 * kvm.c - the uAPI side: KVM and VM set-up, the user-space (U) steps, VM teardown.
 * run_user_op is THE dispatch of U steps: a new uAPI step is one enum value (probe.h), one row in
 * batch.c's command table and one case there.
 */
#include "probe.h"

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
		struct kvm_vcpu_init init = preferred;
		if (sc->pmu)
			init.features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
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
