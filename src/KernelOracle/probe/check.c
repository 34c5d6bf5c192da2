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
#include "probe.h"

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
