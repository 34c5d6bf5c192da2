/*
 * guest.S - the code every vCPU of a probe VM runs (AArch64, MMU off, interrupts masked): at EL1h
 * in an ordinary VM, and in a nested VM (vCPU with HAS_EL2) at vEL2 first, the guest hypervisor's
 * own vEL1 after an EXIT_HYP op, and EL0 for LOOP_EL0 ops (vEL0 in a nested VM).
 *
 * It is not run by the probe itself: the probe copies the bytes between guest_blob_start and
 * guest_blob_end to guest physical address 0 of each VM, where a vCPU starts after reset (PC 0).
 * All code here is position independent (PC-relative only).
 *
 * Protocol (the constants must match probe.h):
 *   idx   = MPIDR_EL1.Aff0                        (= vCPU index, KVM sets Aff0 = vcpu_id)
 *   ops   = 0x4000 + idx * 0x3000                 list of 32-byte records (op, reg, value, result, status)
 *   exit  = 0x10000000 + idx * 8                  MMIO write here = "list done" (unmapped GPA)
 *   fatal = 0x10001000 + idx * 8                  MMIO write here = unexpected exception (data = ESR|marker)
 *   sgi   = 0x080A0000 + idx * 0x20000 + 0x10000  this vCPU's GICv3 redistributor SGI frame
 *
 * Loop: execute the records from ops until one has op 0, write to exit, and when resumed start
 * again at ops (the probe has written a new list meanwhile). The exit and the next list happen in
 * whatever context the vCPU is in (vEL2 or vEL1): the context carries over from list to list.
 *   op 1 READ  reg  -> result = value read            op 2 WRITE reg value
 *   op 3 LOOP  value iterations of a two-instruction loop, in the current context (EL1, vEL2, vEL1)
 *   op 4 LOOP_EL0  the same loop at EL0: ERET to EL0, loop, SVC back (from vEL2: SVC to vEL1, then
 *              HVC to vEL2); the few instructions of the transitions run at EL1 (and vEL2)
 *   op 5 ENTER_HYP  at vEL1: HVC, the guest hypervisor's vector takes it and carries on at vEL2
 *   op 6 EXIT_HYP   at vEL2: ERET to vEL1 (SPSR_EL2 = 0x3c5, EL1h, DAIF masked)
 *   status: 0 done, 1 bad register id or op, bit 63 | ESR_ELx the access raised a synchronous
 *   exception (UNDEFINED: ESR.EC 0x00 or 0x18) and was skipped; bit 62 too when a vEL1 access was
 *   trapped to the guest hypervisor (vEL2), which reflects it as UNDEFINED.
 *
 * Register ids (index into the jump tables; must match batch.c's table):
 *   0 pmcr 1 pmcntenset 2 pmcntenclr 3 pmovsclr 4 pmswinc 5 pmselr 6 pmceid0 7 pmceid1 8 pmccntr
 *   9 pmxevtyper 10 pmxevcntr 11 pmuserenr 12 pmintenset 13 pmintenclr 14 pmovsset 15 pmccfiltr
 *   16 id_aa64dfr0 17 irq (GICR_ISPENDR0, read only; the probe keeps the PMU PPI's bit) 18 pmmir 19 mdcr_el2
 *   32+n pmevcntr<n>, 64+n pmevtyper<n> (n = 0..30)
 *
 * Registers: x0 ops, x1 idx, x2 sgi, x3 exit, x4 fatal, x19 record pointer, x20 status,
 *   x21 read result, x22 value, x23 the interpreter's context (1 EL1/vEL1, 2 vEL2);
 *   x9-x11 scratch (the exception handlers clobber x9).
 */

	.section .rodata.guest, "a"
	.balign 4096
	.global guest_blob_start
	.global guest_blob_end
guest_blob_start:
	b	g_start
	b	g_start		/* also at 4: a kernel that completes a stale MMIO exit after a vCPU reset */

/* ---- exception vectors (VBAR_ELx needs 2 KiB alignment) ---- */
	.macro	VENT target
	.balign	0x80
	b	\target
	.endm
	.macro	VBAD code
	.balign	0x80
	mov	x20, #\code
	b	g_fatal
	.endm

/* EL1 (and the nested VM's vEL1) */
	.balign	0x800
g_vectors:
	VENT	g_sync		/* current EL, SP_EL0: sync */
	VBAD	0x101
	VBAD	0x102
	VBAD	0x103
	VENT	g_sync		/* current EL, SP_ELx: sync */
	VBAD	0x105
	VBAD	0x106
	VBAD	0x107
	VENT	g_svc		/* lower EL (EL0), AArch64: sync (SVC back from a LOOP_EL0) */
	VBAD	0x109
	VBAD	0x10a
	VBAD	0x10b
	VBAD	0x10c		/* lower EL, AArch32 */
	VBAD	0x10d
	VBAD	0x10e
	VBAD	0x10f

/* vEL2 (the guest hypervisor of a nested VM) */
	.balign	0x800
g_vectors2:
	VENT	g_sync2		/* current EL, SP_EL0: sync */
	VBAD	0x201
	VBAD	0x202
	VBAD	0x203
	VENT	g_sync2		/* current EL, SP_ELx: sync */
	VBAD	0x205
	VBAD	0x206
	VBAD	0x207
	VENT	g_hvc2		/* lower EL (vEL1), AArch64: sync (HVC = ENTER_HYP) */
	VBAD	0x209
	VBAD	0x20a
	VBAD	0x20b
	VBAD	0x20c
	VBAD	0x20d
	VBAD	0x20e
	VBAD	0x20f

g_sync:
	mrs	x20, esr_el1
	lsr	x9, x20, #26		/* EC */
	cbz	x9, 1f			/* unknown reason: UNDEFINED instruction */
	cmp	x9, #0x18		/* trapped MSR/MRS */
	b.ne	g_fatal
1:	orr	x20, x20, #0x8000000000000000
	mrs	x9, elr_el1
	add	x9, x9, #4
	msr	elr_el1, x9
	eret

g_sync2:
	mrs	x20, esr_el2
	lsr	x9, x20, #26
	cbz	x9, 1f
	cmp	x9, #0x18
	b.ne	g_fatal2
1:	orr	x20, x20, #0x8000000000000000
	mrs	x9, elr_el2
	add	x9, x9, #4
	msr	elr_el2, x9
	eret

/* SVC from EL0 (end of a LOOP_EL0): carry on at EL1, or go back up to vEL2 by HVC. */
g_svc:
	mrs	x9, esr_el1
	lsr	x9, x9, #26
	cmp	x9, #0x15		/* SVC from AArch64 */
	b.ne	g_sync
	cmp	x23, #2
	b.eq	2f
	b	g_store
2:	hvc	#1			/* g_hvc2 carries on at vEL2 with g_store */
	b	g_store			/* not reached */

/* HVC from vEL1: ENTER_HYP, or the way back from a LOOP_EL0 started at vEL2. A register access
 * of vEL1 that KVM forwards to the guest hypervisor (EC 0x18: on 7.2 the hyp counters [HPMN, N),
 * check_mdcr_hpmn() in emulate-nested.c) is reflected as UNDEFINED: skipped, status bit 63 | bit 62
 * ("taken to vEL2") | ESR_EL2, back to vEL1. */
g_hvc2:
	mrs	x20, esr_el2
	lsr	x9, x20, #26
	cmp	x9, #0x18
	b.ne	8f
	orr	x20, x20, #0x8000000000000000
	orr	x20, x20, #0x4000000000000000
	mrs	x9, elr_el2
	add	x9, x9, #4
	msr	elr_el2, x9
	eret
8:	cmp	x9, #0x16		/* HVC from AArch64 */
	b.ne	g_fatal2
	and	x9, x20, #0xffff	/* HVC immediate: 2 = start-up trip, the rest carry on */
	mov	x20, #0
	mov	x23, #2
	cmp	x9, #2
	b.eq	g_top
	b	g_store

/* Unexpected exception: leave ELR and the marker below the op list and exit on the fatal
 * address, again and again (the probe never resumes such a vCPU on purpose). */
g_fatal2:
	mrs	x21, elr_el2
	b	3f
g_fatal:
	mrs	x21, elr_el1
3:	stur	x21, [x0, #-16]
	stur	x20, [x0, #-8]
2:	str	x20, [x4]
	b	2b

/* ---- start ---- */
g_start:
	mrs	x9, mpidr_el1
	and	x1, x9, #0xff
	mov	x0, #0x4000
	mov	x10, #0x3000
	madd	x0, x1, x10, x0
	mov	x2, #0x080a0000
	add	x2, x2, x1, lsl #17
	add	x2, x2, #0x10, lsl #12
	mov	x3, #0x10000000
	add	x3, x3, x1, lsl #3
	add	x4, x3, #0x1000
	mov	x23, #1
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	g_el1_init
	/* vEL2: own vectors, EL1 in AArch64 (HCR_EL2.RW) and nothing else trapped or routed; then
	 * one trip to vEL1 to set its vectors (VBAR_EL1 is the vEL1 register whatever E2H is). */
	adr	x9, g_vectors2
	msr	vbar_el2, x9
	mov	x9, #(1 << 31)
	msr	hcr_el2, x9
	isb
	mov	x23, #2
	adr	x9, g_el1_init
	msr	elr_el2, x9
	mov	x9, #0x3c5
	msr	spsr_el2, x9
	eret
g_el1_init:
	adr	x9, g_vectors
	msr	vbar_el1, x9
	isb
	cmp	x23, #2
	b.ne	g_top
	hvc	#2			/* back to vEL2: g_hvc2 -> g_top */

g_top:
	mov	x19, x0
g_next:
	ldp	w10, w11, [x19]
	ldr	x22, [x19, #8]
	cbz	w10, g_done
	mov	x20, #0
	mov	x21, #0
	cmp	w10, #1
	b.eq	g_read
	cmp	w10, #2
	b.eq	g_write
	cmp	w10, #3
	b.eq	g_loop
	cmp	w10, #4
	b.eq	g_loop_el0
	cmp	w10, #5
	b.eq	g_enter_hyp
	cmp	w10, #6
	b.eq	g_exit_hyp
g_badreg:
	mov	x20, #1
g_store:
	stp	x21, x20, [x19, #16]
	add	x19, x19, #32
	b	g_next

g_read:
	cmp	w11, #96
	b.hs	g_badreg
	adr	x9, g_rtab
	add	x9, x9, x11, lsl #3
	br	x9

g_write:
	cmp	w11, #96
	b.hs	g_badreg
	adr	x9, g_wtab
	add	x9, x9, x11, lsl #3
	br	x9

g_loop:
	cbz	x22, g_store
3:	subs	x22, x22, #1
	b.ne	3b
	b	g_store

/* LOOP_EL0: from EL1 (vEL1) ERET to EL0 (SPSR 0x3c0: EL0t, DAIF masked); from vEL2 the same
 * through SPSR_EL2/ELR_EL2 (vEL0 of the guest hypervisor's EL1&0 regime). */
g_loop_el0:
	adr	x9, g_el0_code
	cmp	x23, #2
	b.eq	4f
	msr	elr_el1, x9
	mov	x9, #0x3c0
	msr	spsr_el1, x9
	isb
	eret
4:	msr	elr_el2, x9
	mov	x9, #0x3c0
	msr	spsr_el2, x9
	isb
	eret
g_el0_code:
	cbz	x22, 6f
5:	subs	x22, x22, #1
	b.ne	5b
6:	svc	#0			/* g_svc carries on */

g_enter_hyp:
	cmp	x23, #2
	b.eq	g_badreg		/* already at vEL2 */
	hvc	#0			/* g_hvc2 carries on at vEL2 */
	b	g_badreg		/* not reached: HVC without a guest hypervisor */

g_exit_hyp:
	cmp	x23, #2
	b.ne	g_badreg
	adr	x9, 7f
	msr	elr_el2, x9
	mov	x9, #0x3c5
	msr	spsr_el2, x9
	isb
	eret
7:	mov	x23, #1
	b	g_store

g_read_irq:
	ldr	w21, [x2, #0x200]	/* GICR_ISPENDR0: the probe keeps the bit of the PMU's PPI */
	b	g_store

g_done:
	str	x1, [x3]		/* exit to the probe */
	b	g_top

/* ---- jump tables: 96 slots of 8 bytes (access instruction, branch) ---- */
	/* mrs x21, S<3|2>_op1_Ccrn_Ccrm_op2 (op0 = 3) */
	.macro	R op1, crn, crm, op2
	.inst	0xd5380000 | ((\op1) << 16) | ((\crn) << 12) | ((\crm) << 8) | ((\op2) << 5) | 21
	b	g_store
	.endm
	/* msr S3_op1_Ccrn_Ccrm_op2, x22 */
	.macro	W op1, crn, crm, op2
	.inst	0xd5180000 | ((\op1) << 16) | ((\crn) << 12) | ((\crm) << 8) | ((\op2) << 5) | 22
	b	g_store
	.endm
	.macro	NONE
	b	g_badreg
	nop
	.endm

	.macro	TABLE A
	\A	3,9,12,0		/* 0  PMCR_EL0 */
	\A	3,9,12,1		/* 1  PMCNTENSET_EL0 */
	\A	3,9,12,2		/* 2  PMCNTENCLR_EL0 */
	\A	3,9,12,3		/* 3  PMOVSCLR_EL0 */
	\A	3,9,12,4		/* 4  PMSWINC_EL0 */
	\A	3,9,12,5		/* 5  PMSELR_EL0 */
	\A	3,9,12,6		/* 6  PMCEID0_EL0 */
	\A	3,9,12,7		/* 7  PMCEID1_EL0 */
	\A	3,9,13,0		/* 8  PMCCNTR_EL0 */
	\A	3,9,13,1		/* 9  PMXEVTYPER_EL0 */
	\A	3,9,13,2		/* 10 PMXEVCNTR_EL0 */
	\A	3,9,14,0		/* 11 PMUSERENR_EL0 */
	\A	0,9,14,1		/* 12 PMINTENSET_EL1 */
	\A	0,9,14,2		/* 13 PMINTENCLR_EL1 */
	\A	3,9,14,3		/* 14 PMOVSSET_EL0 */
	\A	3,14,15,7		/* 15 PMCCFILTR_EL0 */
	\A	0,0,5,0			/* 16 ID_AA64DFR0_EL1 */
	.endm

	.balign	8
g_rtab:
	TABLE	R
	b	g_read_irq		/* 17 irq */
	nop
	R	0,9,14,6		/* 18 PMMIR_EL1 */
	R	4,1,1,1			/* 19 MDCR_EL2 (UNDEFINED at EL1) */
	.rept	12			/* 20..31 */
	NONE
	.endr
	.set	n, 0
	.rept	31			/* 32..62 PMEVCNTR<n>_EL0 */
	R	3,14,(8+n/8),(n%8)
	.set	n, n+1
	.endr
	NONE				/* 63 */
	.set	n, 0
	.rept	31			/* 64..94 PMEVTYPER<n>_EL0 */
	R	3,14,(12+n/8),(n%8)
	.set	n, n+1
	.endr
	NONE				/* 95 */

g_wtab:
	TABLE	W
	NONE				/* 17 irq: read only */
	W	0,9,14,6		/* 18 PMMIR_EL1 */
	W	4,1,1,1			/* 19 MDCR_EL2 */
	.rept	12
	NONE
	.endr
	.set	n, 0
	.rept	31
	W	3,14,(8+n/8),(n%8)
	.set	n, n+1
	.endr
	NONE
	.set	n, 0
	.rept	31
	W	3,14,(12+n/8),(n%8)
	.set	n, n+1
	.endr
	NONE
guest_blob_end:
