/* net.h — the simulated network and Erlang distribution's connections (design.md §3,
 * shared/docs/otp-semantics.md §6 and §11.3).
 *
 * Model. Every pair of nodes has at most one connection, set up on first use and never again by
 * itself after it breaks: the next signal that needs it sets up a new one (a fresh stream). A
 * connection has two ends, one per node, each DOWN, PENDING (handshake under way) or UP; the
 * runtime hears of each end's changes as that node sees them (rt_conn_up / rt_conn_down).
 *
 * Each direction is a channel: a FIFO of packets (signals, and the control packets SYN, ACK,
 * CONFIRM, TICK, CLOSE, RST), so signals between two nodes arrive in the order they were sent.
 * The handshake is Erlang's in four legs: SYN (send_name), ACK (challenge), CONFIRM
 * (challenge_reply: the accepting end is up), ACK (challenge_ack: the initiating end is up);
 * signals sent before their end is up wait and leave when it comes up. A packet
 * departs when the sender's link is free (bandwidth: size / bandwidth of serialisation, so a big
 * message delays those behind it) and arrives a latency later (a constant or a distribution per
 * pair); arrivals never overtake. A packet carries its connection's generation; the receiving
 * end accepts it only if it is UP with that generation, otherwise it answers RST, as TCP does.
 *
 * Faults. A blocked channel (partition) holds its packets and sends them again when healed, as
 * TCP retransmits, so a partition shorter than the tick timeout only delays messages. Messages
 * are lost only with their connection: when an end goes down it drops what it had not delivered
 * and sends CLOSE. Loss on a degraded link is a retransmission delay (rto), not a lost message:
 * Erlang distribution runs over TCP. Failure detection is net_kernel's tick: every
 * net_ticktime / intensity each node sends a tick on every connection it has not written to,
 * and closes a connection on which it has received nothing for `intensity` intervals
 * (net_tick_timeout). A crashed node's connections close at once (its OS sends CLOSE); a paused
 * node stops reading, writing and ticking. */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "base/prng.h"
#include "runtime/rt.h"
#include "sim/kernel/evq.h"

struct sim_world;

/* A latency: constant, or drawn per packet. Values in ns. */
enum { NET_LAT_CONST, NET_LAT_EXP, NET_LAT_UNIFORM, NET_LAT_LOGNORMAL };
typedef struct net_lat { int kind; double a, b; } net_lat_t;  /* as host/dist.c, in ns (lognormal: mu, sigma of ln ns) */

typedef struct net_link_cfg {
    net_lat_t latency;
    uint64_t bandwidth;     /* bytes per second; 0 = unlimited */
} net_link_cfg_t;

typedef struct net_cfg {
    net_link_cfg_t link;        /* every pair's default */
    sim_time_t ticktime;        /* net_ticktime (default 60 s) */
    uint32_t intensity;         /* net_tickintensity (default 4) */
    sim_time_t setup_time;      /* net_setuptime (default 7 s) */
    sim_time_t rto;             /* a lost packet's retransmission delay (default 200 ms) */
} net_cfg_t;

#define NET_CFG_DEFAULTS ((net_cfg_t){ .link = { .latency = { NET_LAT_CONST, 100e3, 0 } }, \
    .ticktime = 60 * SIM_TIME_S, .intensity = 4, .setup_time = 7 * SIM_TIME_S, .rto = 200 * SIM_TIME_MS })

typedef struct net_pkt net_pkt_t;

typedef struct net_chan {
    net_pkt_t *head, *tail;
    uint32_t len;
    uint64_t bytes;
    evq_id_t ev;              /* the head's pending arrival */
    sim_time_t free_at;       /* the sender's link is busy until then (bandwidth) */
    sim_time_t last_arrive;
    bool blocked;             /* partitioned: nothing departs */
    bool parked;              /* the head waits for its paused receiver */
} net_chan_t;

typedef struct net_side {
    uint8_t state;            /* NET_DOWN, NET_PENDING, NET_UP */
    uint32_t gen;
    uint64_t rx, rx_seen;     /* packets received; rx at the last tick check */
    uint32_t missed;          /* tick intervals without input */
    bool tx;                  /* wrote something since the last tick */
    bool initiator;           /* this end asked for the connection */
    bool confirmed;           /* initiator: answered the challenge, waits for the final ACK */
    struct net_pkt *held, *held_tail;   /* signals sent before the handshake finished */
    evq_id_t setup_ev;
    uint32_t rst_gen;         /* last generation answered with RST */
} net_side_t;

enum { NET_DOWN, NET_PENDING, NET_UP };

typedef struct net_pair {     /* nodes lo < hi; index 0 is lo's end / the lo -> hi channel */
    uint32_t lo, hi;
    bool has_cfg;             /* sim.link gave this pair its own settings (else the defaults) */
    net_link_cfg_t cfg;
    sim_time_t extra;         /* sim.degrade: added latency */
    uint32_t loss_ppm;        /* sim.degrade: packets that need a retransmission, per million */
    net_side_t side[2];
    net_chan_t chan[2];
    uint32_t next_gen;
} net_pair_t;

typedef struct net {
    struct sim_world *w;
    net_cfg_t cfg;
    prng_t rng;                 /* stream "net" */
    net_pair_t **pairs;         /* pairs[lo * cap + hi], created on first use */
    uint32_t cap;
    net_pkt_t *pool;
    uint64_t sent, delivered, lost, ticks;   /* packets carrying signals; ticks sent */
} net_t;

void net_init(net_t *n, struct sim_world *w, uint64_t seed);
void net_deinit(net_t *n);
/* A signal from node `from` to another node; sets a connection up if needed. */
void net_send(net_t *n, sim_time_t at, uint32_t from, uint32_t to, rt_msg_t *m);
/* Asks for a connection (monitor_node, connect_node). */
void net_connect(net_t *n, uint32_t from, uint32_t to);
/* Closes from's end (erlang:disconnect_node): reason "disconnect" on from, "connection_closed" on
 * the other end when the CLOSE arrives. Returns false if from had no connection to `to`. */
bool net_disconnect(net_t *n, uint32_t from, uint32_t to);
/* A node went down: its ends close without telling its (dead) runtime; peers hear CLOSE. */
void net_node_down(net_t *n, uint32_t node);
/* Starts a node's tick timer (when it is added or restarted). */
void net_node_up(net_t *n, uint32_t node);
/* Blocks or unblocks the channel from -> to (a partition is both directions). */
void net_block(net_t *n, uint32_t from, uint32_t to, bool blocked);
/* Per-pair configuration (sim.link); returns the pair's own config to edit. */
net_link_cfg_t *net_link_cfg(net_t *n, uint32_t a, uint32_t b);
/* sim.degrade: extra latency and retransmissions on a pair (0, 0 ends it). */
void net_degrade(net_t *n, uint32_t a, uint32_t b, sim_time_t extra, uint32_t loss_ppm);
/* A paused node resumed: packets parked for it arrive now. */
void net_resume(net_t *n, uint32_t node);
/* from's end of the connection to `to`: NET_DOWN, NET_PENDING or NET_UP. */
int net_state(net_t *n, uint32_t from, uint32_t to);
/* True when only healthy, idle connections remain: nothing is blocked or paused and no tick
 * was missed, so the ticks alone cannot change anything (an unbounded run may end). */
bool net_quiescent(const net_t *n);
/* The pair of nodes a and b (a != b) if it was ever used, else NULL. Read only (viz/). */
const net_pair_t *net_pair_peek(const net_t *n, uint32_t a, uint32_t b);

#endif
