/*
 * hostlog.c - the host kernel log check (behaviour.md H1): after every scenario the probe reads
 * /dev/kmsg (non-blocking) from where it stopped last time and reports any WARNING, BUG, Oops,
 * "Unable to handle", lockdep or RCU splat as SPLAT lines of that scenario:
 *     @@PMU SPLAT <id> <kernel log line>        (the splat's first lines, at most SPLAT_LINES)
 * The console itself is quiet (loglevel=1), so /dev/kmsg is the only place these show up.
 * Boot messages are skipped (the reader starts at the end of the log); a VM torn down in the
 * background after its scenario finished may log during the next scenario, which then gets it.
 */
#include "probe.h"

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
