/* batch.c - batch parsing: the lines of /batch.txt (format at the top of probe.c) -> scenarios. */
#include "probe.h"

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
