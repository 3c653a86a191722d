/*
 * fuzz-ctmsg: one conntrack netlink message (any bytes; the length field is
 * set to the input's) parsed as the event reader does (ctmsg_parse()), then
 * translated by ctmsg_info().
 *
 * libnetfilter_conntrack ends the process (__abi_breakage(): "ctnetlink
 * kernel ABI is broken") when an attribute it knows has the wrong size, a
 * policy for messages that only the kernel sends.  Here that exit would end
 * the run at the first such input, so the target takes the library's
 * exported __abi_breakage over (the library calls it through its PLT) and
 * counts the input as refused, the way the daemon would never see it.
 */
#include <setjmp.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "fuzz.h"
#include "input/ctmsg.h"

static jmp_buf refused;

void __abi_breakage(const char *file, int line, const char *reason);

void
__abi_breakage(const char *file, int line, const char *reason)
{
	longjmp(refused, 1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_isolate();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *volatile nlh;
	struct nf_conntrack *volatile ct;
	struct ctconn_info ci;

	if (size < sizeof(*nlh) || size > 65535)
		return 0;
	if ((nlh = aligned_alloc(8, (size + 7) & ~(size_t)7)) == NULL)
		return 0;
	memcpy(nlh, data, size);
	nlh->nlmsg_len = (uint32_t)size;
	if ((ct = nfct_new()) != NULL) {
		if (setjmp(refused) == 0 && ctmsg_parse(nlh, ct) == 0) {
			memset(&ci, 0, sizeof(ci));
			ctmsg_info(ct, &ci);
		}
		nfct_destroy(ct);
	}
	free(nlh);
	return 0;
}
