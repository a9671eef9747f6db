/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Structured statistics on the control protocol: the records of a STATS
 * answer (include/ordo/ctrl_proto.h: STATS_REQ / STATS) and the catalogue
 * that says what each record id means. ordod fills records from its
 * counters (dataplane/ctrl_stats.c), ordo-ctrld adds its own and renders
 * all of them as Prometheus text (ctrl/metrics_text.c), `ordoctl top`
 * reads a few (app/ordoctl_top.c). Text answers (COUNTERS) are for
 * people; this is for programs, so nobody parses text.
 *
 * A record is one sample: a metric id, an optional numeric label (a port
 * id), an optional text label (a drop reason, a client's private name,
 * a membership state), a 64-bit value. The catalogue gives every id its
 * Prometheus name (after "ordo_"), its type, the names of its two labels
 * (NULL: the metric has none) and its help text, in one line:
 *
 *   X(id, TYPE, name, key label, text label, help)
 *
 * Adding a counter is one line here and one line where its value is read
 * (dataplane/ctrl_stats.c's tables for ordod's, ctrl/metrics.c for
 * ordo-ctrld's); the renderer and the promtool test need nothing else.
 * Ids are wire values: never renumber one, never reuse a retired one.
 * A reader skips ids it does not know (a newer ordod next to an older
 * ordo-ctrld loses those series, nothing else).
 *
 * Id ranges: 1-29 the ring (engine), 30-49 ports, 50-69 clients, 70-79
 * one client, 80-99 groups, 100-139 ordo-ctrld's own, 140-199 free;
 * 200-249 reserved for authentication (failures and replays by reason),
 * 250-299 per-stage cycle counts of the dataplane's lcores (numeric label:
 * the lcore id; text label: the stage, ORDO_LOOP_STAGES below): the ring
 * lcore's, the crypto/io worker's, the client workers' and the rx
 * workers' alike, told apart by lcore_info's role.
 */
#ifndef ORDO_CTRL_STATS_H
#define ORDO_CTRL_STATS_H

#include <assert.h>
#include <stdint.h>

#define ORDO_STATS_VERSION   1u
#define ORDO_STAT_LABEL_LEN  24u /* text label, NUL included */
#define ORDO_STAT_ID_MAX     300u /* ids are below this */

enum ordo_stat_type { ORDO_STAT_COUNTER = 1, ORDO_STAT_GAUGE = 2 };

struct ordo_cp_stat {
	uint16_t id;        /* enum ordo_stat */
	uint16_t reserved;
	uint32_t key;       /* the numeric label's value (0 when none) */
	uint64_t value;
	char     label[ORDO_STAT_LABEL_LEN]; /* the text label, NUL-terminated */
};
static_assert(sizeof(struct ordo_cp_stat) == 40, "stat record");

#define ORDO_STATS(X)                                                         \
	/* the ring, from the engine */                                       \
	X(1, RING_MEMBERS, GAUGE, "ring_members", 0, 0,                        \
	  "Daemons in the ring this daemon is in.")                           \
	X(2, RING_STATE, GAUGE, "ring_state", 0, "state",                      \
	  "1 for the membership state the engine is in, 0 for the others.")   \
	X(3, RING_SEQ, GAUGE, "ring_sequence", 0, 0,                           \
	  "Sequence number of the current ring id (grows at every ring).")    \
	X(4, RING_CHANGES, COUNTER, "ring_changes_total", 0, 0,                \
	  "Regular configurations (rings) this daemon installed.")            \
	X(5, TOKEN_ROTATIONS, COUNTER, "token_rotations_total", 0, 0,          \
	  "Token visits at this daemon.")                                     \
	X(6, TOKEN_RETRANS, COUNTER, "token_retransmissions_total", 0, 0,      \
	  "Tokens resent because nothing showed the successor got them.")     \
	X(7, TOKEN_LOSSES, COUNTER, "token_losses_total", 0, 0,                \
	  "Token loss timeouts; each starts a membership round.")             \
	X(8, DATA_SENT, COUNTER, "data_packets_sent_total", 0, 0,              \
	  "Data packets this daemon multicast, first transmissions.")         \
	X(9, DATA_RECEIVED, COUNTER, "data_packets_received_total", 0, 0,      \
	  "Data packets the engine accepted from the network.")               \
	X(10, DATA_RETRANS, COUNTER, "data_retransmissions_total", 0, 0,       \
	  "Data packets resent for a retransmission request.")                \
	X(11, RTR_REQUESTED, COUNTER, "retransmission_requests_total", 0, 0,   \
	  "Sequence numbers this daemon asked the ring to resend.")           \
	X(12, MSGS_SUBMITTED, COUNTER, "messages_submitted_total", 0, 0,       \
	  "Messages accepted into this daemon's submit queue.")               \
	X(13, MSGS_DELIVERED, COUNTER, "messages_delivered_total", 0, 0,       \
	  "Messages delivered in total order at this daemon.")                \
	X(14, BYTES_DELIVERED, COUNTER, "delivered_bytes_total", 0, 0,         \
	  "Payload bytes of the messages delivered at this daemon.")          \
	X(15, ENGINE_DROPS, COUNTER, "engine_drops_total", 0, "reason",        \
	  "Packets the protocol engine dropped, by reason.")                  \
	X(16, REASSEMBLY_DROPS, COUNTER, "reassembly_drops_total", 0, 0,       \
	  "Fragmented messages dropped as invalid.")                          \
	X(17, SUBMIT_QUEUED, GAUGE, "submit_queue_messages", 0, 0,             \
	  "Messages waiting in the submit queue for the token.")              \
	X(18, MEMBERS_EXCLUDED, COUNTER, "members_excluded_total", 0, 0,       \
	  "Times a member was held down (flapping or one-way).")              \
	X(19, TOKENS_SENT, COUNTER, "tokens_sent_total", 0, 0,                 \
	  "Tokens this daemon sent.")                                         \
	X(20, TOKENS_RECEIVED, COUNTER, "tokens_received_total", 0, 0,         \
	  "Tokens the engine accepted from the network.")                     \
	X(21, RECOVERY_STALLS, COUNTER, "recovery_stalls_total", 0, 0,         \
	  "Recoveries given up as they could never finish.")                  \
	/* ports, from the dataplane */                                       \
	X(30, PORT_UP, GAUGE, "port_up", "port", 0,                            \
	  "1 if the port's link is up.")                                      \
	X(31, PORT_RX_PACKETS, COUNTER, "port_received_packets_total", "port", \
	  0, "Frames the port received.")                                     \
	X(32, PORT_RX_BYTES, COUNTER, "port_received_bytes_total", "port", 0,  \
	  "Bytes of the frames the port received.")                           \
	X(33, PORT_TX_PACKETS, COUNTER, "port_sent_packets_total", "port", 0,  \
	  "Frames the port accepted for sending.")                            \
	X(34, PORT_TX_BYTES, COUNTER, "port_sent_bytes_total", "port", 0,      \
	  "Bytes of the frames the port accepted for sending.")               \
	X(35, PORT_DROPS, COUNTER, "port_drops_total", "port", "reason",       \
	  "Frames the dataplane dropped on the port, by reason.")             \
	X(36, PORT_LINK_CHANGES, COUNTER, "port_link_changes_total", "port",   \
	  0, "Link state changes of the port.")                               \
	X(37, PORT_FAULTS, COUNTER, "port_faults_total", "port", 0,            \
	  "Faults of the port's driver contained by the fault guard.")        \
	/* clients, from the dataplane's gateway */                           \
	X(50, CLIENTS, GAUGE, "clients", 0, 0,                                 \
	  "Clients attached to the dataplane.")                               \
	X(51, CLIENTS_ATTACHED, COUNTER, "clients_attached_total", 0, 0,       \
	  "Clients the dataplane started serving.")                           \
	X(52, CLIENTS_DETACHED, COUNTER, "clients_detached_total", 0, 0,       \
	  "Clients the dataplane stopped serving, for any reason.")           \
	X(53, CLIENTS_SUBMITTED, COUNTER, "clients_messages_submitted_total",  \
	  0, 0, "Messages local clients submitted.")                          \
	X(54, CLIENTS_DELIVERED, COUNTER, "clients_messages_delivered_total",  \
	  0, 0, "Messages written to local clients' delivery rings.")         \
	X(55, CLIENTS_MEMB_DELIVERED, COUNTER,                                 \
	  "clients_membership_messages_delivered_total", 0, 0,                \
	  "Membership messages written to local clients' delivery rings.")    \
	X(56, CLIENTS_REJECTED, COUNTER, "clients_messages_rejected_total", 0, \
	  "reason", "Client messages refused, by reason.")                    \
	X(57, CLIENTS_SLOW_CONSUMER, COUNTER,                                  \
	  "clients_slow_consumer_disconnects_total", 0, 0,                    \
	  "Clients disconnected for not reading their deliveries.")           \
	X(58, CLIENTS_RING_CORRUPT, COUNTER,                                   \
	  "clients_ring_corrupt_disconnects_total", 0, 0,                     \
	  "Clients disconnected for a corrupt submit ring.")                  \
	X(59, CLIENTS_OVERFLOWED, COUNTER, "clients_overflow_records_total",   \
	  0, 0, "Delivery records that waited in a client's overflow ring.")  \
	X(60, CLIENTS_ENGINE_FULL, COUNTER, "clients_engine_full_turns_total", \
	  0, 0, "Loop turns that stopped reading clients: engine queue full.") \
	X(61, CLIENTS_BLOCKED, COUNTER, "clients_blocked_turns_total", 0, 0,   \
	  "Loop turns SlowConsumer = block held local senders back.")         \
	X(62, CLIENTS_PARTIAL_DROPPED, COUNTER,                                \
	  "clients_partial_messages_dropped_total", 0, 0,                     \
	  "Messages a client died in the middle of sending.")                 \
	X(63, CLIENTS_NAMES_CUT, COUNTER, "clients_names_dropped_total", 0, 0, \
	  "Deliveries with more group names than a record holds.")            \
	X(64, CLIENTS_EVENTS_LOST, COUNTER, "control_events_lost_total", 0, 0, \
	  "Ring and view events the control link missed.")                    \
	/* one client (text label: its private name) */                       \
	X(70, CLIENT_BACKLOG_RECORDS, GAUGE, "client_backlog_records", 0,      \
	  "client", "Records waiting in the client's overflow ring.")         \
	X(71, CLIENT_BACKLOG_BYTES, GAUGE, "client_backlog_bytes", 0,          \
	  "client", "Bytes in the client's delivery ring it has not read.")   \
	X(72, CLIENT_SUBMITTED, COUNTER, "client_messages_submitted_total", 0, \
	  "client", "Messages this client submitted.")                        \
	X(73, CLIENT_DELIVERED, COUNTER, "client_messages_delivered_total", 0, \
	  "client", "Records written to this client's delivery ring.")        \
	/* groups, from the group layer (ring-wide tables) */                 \
	X(80, GROUPS, GAUGE, "groups", 0, 0,                                   \
	  "Groups with at least one member, ring-wide.")                      \
	X(81, GROUP_MEMBERSHIPS, GAUGE, "group_memberships", 0, 0,             \
	  "Members of all groups added up, ring-wide.")                       \
	X(82, GROUP_JOINS, COUNTER, "group_joins_total", 0, 0,                 \
	  "Group joins delivered.")                                           \
	X(83, GROUP_LEAVES, COUNTER, "group_leaves_total", 0, 0,               \
	  "Group leaves delivered.")                                          \
	X(84, GROUP_DISCONNECTS, COUNTER, "group_disconnects_total", 0, 0,     \
	  "Client disconnects delivered (a member left every group).")        \
	X(85, GROUP_EXCHANGES, COUNTER, "group_state_exchanges_total", 0, 0,   \
	  "Merges that ran a group state exchange.")                          \
	X(86, GROUP_BAD, COUNTER, "group_bad_messages_total", 0, 0,            \
	  "Deliveries that were not valid group messages.")                   \
	X(87, GROUP_SENT, COUNTER, "group_messages_sent_total", 0, 0,          \
	  "Group messages this daemon submitted.")                            \
	/* ordo-ctrld's own, from its mirror and configuration */             \
	X(100, GROUP_MEMBERS, GAUGE, "group_members", 0, "group",              \
	  "Members of the group in its current view.")                        \
	X(101, RING_MEMBER, GAUGE, "ring_member", 0, "member",                 \
	  "1 if the configured daemon is in this daemon's ring, else 0.")     \
	X(102, DATAPLANE_UP, GAUGE, "dataplane_up", 0, 0,                      \
	  "1 if ordod answered this scrape over the control link, else 0.")   \
	X(103, CONFIGURED_DAEMONS, GAUGE, "configured_daemons", 0, 0,          \
	  "Daemons in the configuration.")                                    \
	X(104, CTRLD_ADMITTED, COUNTER, "ctrld_clients_admitted_total", 0, 0,  \
	  "Clients ordo-ctrld admitted.")                                     \
	X(105, CTRLD_REFUSED, COUNTER, "ctrld_clients_refused_total", 0, 0,    \
	  "Clients ordo-ctrld refused.")                                      \
	X(106, CTRLD_PROTO_ERRORS, COUNTER, "ctrld_protocol_errors_total", 0,  \
	  0, "Peers ordo-ctrld closed for breaking the control protocol.")    \
	X(107, CTRLD_LINK_UPS, COUNTER, "ctrld_link_ups_total", 0, 0,          \
	  "Times ordo-ctrld's link to ordod came up.")                        \
	X(108, CTRLD_SCRAPE_ERRORS, COUNTER, "ctrld_scrape_errors_total", 0,   \
	  0, "Scrapes answered without ordod's records (link down, timeout).") \
	/* per-stage cycles of a dataplane lcore's loop (ORDO_LOOP_STAGES) */ \
	X(250, STAGE_CYCLES, COUNTER, "lcore_stage_cycles_total", "lcore",     \
	  "stage", "TSC cycles the lcore spent in each stage of its loop, "    \
	  "in the turns it timed (1 in lcore_stage_sample_every).")            \
	X(251, STAGE_ITEMS, COUNTER, "lcore_stage_items_total", "lcore",       \
	  "stage", "Work items of each stage in the timed turns (frames, "     \
	  "messages or records: docs/performance.md).")                      \
	X(252, STAGE_TIMED_TURNS, COUNTER, "lcore_timed_turns_total", "lcore", \
	  0, "Loop turns timed stage by stage that did work.")                \
	X(253, STAGE_EMPTY_TURNS, COUNTER, "lcore_timed_empty_turns_total",    \
	  "lcore", 0, "Loop turns timed that found no work.")                  \
	X(254, STAGE_EMPTY_CYCLES, COUNTER, "lcore_timed_empty_cycles_total",  \
	  "lcore", 0, "TSC cycles of the timed turns that found no work.")     \
	X(255, LOOP_TURNS, COUNTER, "lcore_loop_turns_total", "lcore", 0,      \
	  "Loop turns of the lcore, timed or not.")                           \
	X(256, LOOP_STALL_MAX, GAUGE, "lcore_loop_stall_max_cycles", "lcore",  \
	  0, "TSC cycles of the longest loop turn since the daemon started.") \
	X(257, LOOP_STALL_RECENT, GAUGE, "lcore_loop_stall_recent_cycles",     \
	  "lcore", 0, "TSC cycles of the longest loop turn in the last "       \
	  "whole second.")                                                    \
	X(258, TSC_HZ, GAUGE, "lcore_tsc_hz", "lcore", 0,                      \
	  "TSC ticks per second: cycles / this = seconds.")                   \
	X(259, STAGE_SAMPLE_EVERY, GAUGE, "lcore_stage_sample_every", "lcore", \
	  0, "One loop turn in this many is timed stage by stage (0: off).")  \
	X(260, STAGE_LONG_TURNS, COUNTER, "lcore_timed_long_turns_total",      \
	  "lcore", 0, "Timed loop turns over 1 ms, left out of the stages "    \
	  "(descheduled, or a real stall).")                                  \
	X(261, STAGE_LONG_CYCLES, COUNTER, "lcore_timed_long_cycles_total",    \
	  "lcore", 0, "TSC cycles of the timed loop turns over 1 ms.")        \
	X(262, STAGE_BIAS, GAUGE, "lcore_stage_bias_cycles", "lcore", 0,       \
	  "Cycles a stage boundary costs, taken off each timed interval.")    \
	X(263, LOOP_BUSY_TURNS, COUNTER, "lcore_busy_turns_total", "lcore", 0, \
	  "Loop turns that did work in at most 1 ms, timed or not.")          \
	X(264, LOOP_BUSY_CYCLES, COUNTER, "lcore_busy_cycles_total", "lcore",  \
	  0, "TSC cycles of those turns: the loop's whole cost.")             \
	X(265, LOOP_BUSY_MSGS, COUNTER, "lcore_busy_messages_total", "lcore",  \
	  0, "Messages in those turns: ordered (ring lcore), handed to "       \
	  "local clients (client worker), frames (crypto/io worker).")        \
	X(266, LCORE_INFO, GAUGE, "lcore_info", "lcore", "role",               \
	  "1 for each dataplane lcore that runs a loop, by role: ring, "       \
	  "worker (ports and crypto), client_worker (client rings; one per "  \
	  "client worker), rx_worker (an rx queue after the first, "          \
	  "RxQueues).")                                                       \
	X(267, STAGE_TIMED_MSGS, COUNTER, "lcore_timed_messages_total",        \
	  "lcore", 0, "Messages (frames, on the crypto/io worker) in the "     \
	  "timed turns that did work: lcore_stage_cycles_total per message "  \
	  "is the ratio of the two.")

/* The stages of a dataplane lcore's poll loop: the text label of ids
 * 250-251 and the keys of `ordoctl counters` ("stage_<name>_cycles",
 * "stage_<name>_items"). Each stage counts its own work item:
 *
 *   loop      the loop's glue between stages (idling excluded)  busy turns
 *   rx        port bursts, L2/UDP framing, freeing the mbufs     frames
 *   open      opening sealed frames (crypto on)                 frames
 *   protocol  ordo_engine_rx / _tick / _submit                   messages
 *             ordered (the per-message denominator)
 *   submit    reading and validating client submit rings, the    records
 *             group layer's send
 *   deliver   deliveries: the group layer, client delivery       records
 *             rings (the fan-out), their publication
 *   seal      sealing frames (crypto on)                         frames
 *   tx        building frames, port tx flush                     frames
 *   slow      the millisecond slow path (links, announcements,   runs
 *             publishing these counters)
 *
 * A stage's cycles exclude those of the stages it calls (the engine's
 * deliveries run inside protocol but count as deliver). Wire values:
 * append only.  X(index, ID, name) */
#define ORDO_LOOP_STAGES(X)                                                   \
	X(0, LOOP, "loop")                                                    \
	X(1, RX, "rx")                                                        \
	X(2, OPEN, "open")                                                    \
	X(3, PROTOCOL, "protocol")                                            \
	X(4, SUBMIT, "submit")                                                \
	X(5, DELIVER, "deliver")                                              \
	X(6, SEAL, "seal")                                                    \
	X(7, TX, "tx")                                                        \
	X(8, SLOW, "slow")

#define ORDO_LOOP_STAGE_MAX 9u

enum ordo_stat {
#define ORDO_STAT_ENUM(num, id, type, name, key, text, help) ORDO_ST_##id = num,
	ORDO_STATS(ORDO_STAT_ENUM)
#undef ORDO_STAT_ENUM
};

#endif /* ORDO_CTRL_STATS_H */
