/* test-wire: wire packets of GRO/TSO super-packets. */
#include <stdint.h>

#include "flow/wire.h"
#include "util/check.h"

int
main(void)
{
	struct wire_count w;

	/* not a super-packet: as it is */
	w = wire_count(1500, 20, 20, 1500);
	CHECK_EQ(w.pkts, 1);
	CHECK_EQ(w.bytes, 1500);
	w = wire_count(60, 20, 32, 1500);
	CHECK_EQ(w.pkts, 1);
	CHECK_EQ(w.bytes, 60);
	/* MTU unknown: one packet */
	w = wire_count(9000, 20, 20, 0);
	CHECK_EQ(w.pkts, 1);
	CHECK_EQ(w.bytes, 9000);

	/* 10 full segments of 1448 (TCP timestamps) merged: 20 + 32 + 14480 */
	w = wire_count(20 + 32 + 14480, 20, 32, 1500);
	CHECK_EQ(w.pkts, 10);
	CHECK_EQ(w.bytes, 10 * 1500);
	/* ...and a short last one of 100 bytes */
	w = wire_count(20 + 32 + 14480 + 100, 20, 32, 1500);
	CHECK_EQ(w.pkts, 11);
	CHECK_EQ(w.bytes, 10 * 1500 + 152);
	/* 64 KiB TSO without options */
	w = wire_count(65535, 20, 20, 1500);
	CHECK_EQ(w.pkts, (65535 - 40 + 1459) / 1460);
	CHECK_EQ(w.bytes, 65535 + (w.pkts - 1) * 40);
	/* UDP GRO: 8-byte headers on each segment */
	w = wire_count(20 + 8 + 3 * 1472, 20, 8, 1500);
	CHECK_EQ(w.pkts, 3);
	CHECK_EQ(w.bytes, 3 * 1500);
	/* jumbo MTU: fewer, larger segments */
	w = wire_count(20 + 20 + 4 * 8960, 20, 20, 9000);
	CHECK_EQ(w.pkts, 4);
	CHECK_EQ(w.bytes, 4 * 9000);
	/* BIG TCP sizes above 64 KiB */
	w = wire_count(20 + 20 + 100 * 1460, 20, 20, 1500);
	CHECK_EQ(w.pkts, 100);
	CHECK_EQ(w.bytes, 100 * 1500);

	/* transport header unknown, or headers as large as the MTU: 1 */
	w = wire_count(9000, 20, 0, 1500);
	CHECK_EQ(w.pkts, 1);
	w = wire_count(9000, 60, 60, 120);
	CHECK_EQ(w.pkts, 1);
	/* saturating bytes */
	w = wire_count(UINT32_MAX, 20, 20, 41);
	CHECK_EQ(w.bytes, UINT32_MAX);
	return check_done();
}
