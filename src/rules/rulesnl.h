/*
 * rulesnl: the nf_tables netlink transport.  Sends one batch and collects
 * its acks, or sends one request and hands its answers to a callback.  It
 * knows no table, chain or rule: rulesmsg.h builds and reads the messages.
 *
 * Each call opens its own socket and closes it before returning; the CLI
 * talks to nf_tables a few times per run, never on a hot path.
 */
#ifndef NFN_RULESNL_H
#define NFN_RULESNL_H

#include <stdint.h>

#include <libmnl/libmnl.h>

struct rulesnl_batch {
	struct mnl_nlmsg_batch	*b;
	char			*buf;
	uint32_t		 seq;
};

/* Start a batch (its begin message written).  0, or -1 with errno. */
int	rulesnl_batch_open(struct rulesnl_batch *bt);

/*
 * The header of the batch's next message, acked, with the next sequence
 * number; the caller puts the payload after it, then calls
 * rulesnl_batch_next().
 */
struct nlmsghdr *rulesnl_batch_msg(struct rulesnl_batch *bt, uint16_t type,
	    uint16_t flags);
void	rulesnl_batch_next(struct rulesnl_batch *bt);

/*
 * End the batch, send it, free it.  0 if the kernel acked every message,
 * else -1 with errno set to the first error (errno of the kernel's answer,
 * or of the socket).
 */
int	rulesnl_batch_commit(struct rulesnl_batch *bt);

/* Send nlh; answers through cb until the ack or NLMSG_DONE.  0 or -1, errno. */
int	rulesnl_query(struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

#endif
