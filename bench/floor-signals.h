/*
 * floor-signals.h: the signals of the benchmark's bare readers
 * (nflog-floor, ct-floor).  SIGUSR1 asks for the counters, SIGINT and
 * SIGTERM for the counters and the exit.  No SA_RESTART: a signal must
 * interrupt a blocking receive or poll, so the loop sees the flag at once.
 * Header only: each reader is one file.
 */
#ifndef NFN_FLOOR_SIGNALS_H
#define NFN_FLOOR_SIGNALS_H

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t want_stop, want_print;

static void
floor_on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_print = 1;
	else
		want_stop = 1;
}

static void
floor_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = floor_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

#endif
