/*
 * fuzz-pkt: pkt_parse() on any bytes (IPv4 and IPv6), as NFLOG may copy
 * them.  The parser
 * must never read past caplen (ASan checks: the input is copied into a
 * buffer of exactly that size) and must keep its promises on success.
 */
#include "fuzz.h"
#include "flow/pkt.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	struct pkt_info pi;

	memcpy(p, data, size);
	if (pkt_parse(p, size, &pi) == PKT_OK) {
		/* a keyed packet has at least a whole IP header, of its version */
		if (size < 20 || pi.ip_len < 20 || pi.key.pad != 0 ||
		    pi.key.v6 != ((p[0] >> 4) == 6) ||
		    (pi.key.v6 && size < 40))
			abort();
		if (!pi.key.v6 && pi.fragment && (pi.key.sport ||
		    pi.key.dport) && ((p[6] & 0x1f) | p[7]))
			abort();	/* a non-first fragment has no ports */
	}
	free(p);
	return 0;
}
