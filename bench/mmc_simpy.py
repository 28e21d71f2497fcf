#!/usr/bin/env python3
"""mmc_simpy.py -- bench/load_mmc.lua's model in SimPy, for bench_load's side-by-side figure.

The model (see load_mmc.lua): Poisson arrivals at RATE per second from a client node; each request
goes to one of 2 x PROCS gen_servers chosen uniformly (PROCS on each of two server nodes with
CORES cores); the request travels LAT (0.1 ms), joins its gen_server's mailbox (FIFO); an idle
gen_server takes a core from its node (FIFO run queue), serves the request for an exponential
time of mean S = 2 * CORES * RHO / RATE, and keeps the core while its mailbox holds more (no
preemption); the reply travels LAT back. Response time = reply arrival - arrival time.

Usage: mmc_simpy.py [--duration S] [--rate R] [--cores C] [--procs P] [--rho RHO] [--seed N]
Prints one line: "simpy result: ... virtual_s V wall_s W cpu_s C mean_response_ms M".
Works with Debian's python3-simpy (SimPy 2.3, module SimPy) and with simpy >= 3 (module simpy).
Never a runtime dependency of otpsim: only `make bench` runs it, and skips it when absent.
"""
import argparse
import random
import sys
import time

LAT = 0.0001  # seconds, each way (otpsim's default network latency)


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=10000.0)
    ap.add_argument("--cores", type=int, default=4)
    ap.add_argument("--procs", type=int, default=16)
    ap.add_argument("--rho", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=1)
    return ap.parse_args()


def run_simpy2(a, rng, S, stats):
    from SimPy.Simulation import Simulation, Process, Resource, Store, hold, request, release, put, get, passivate

    sim = Simulation()
    sim.initialize()

    class Node:
        def __init__(self, name):
            self.cores = Resource(capacity=a.cores, name=name, sim=sim)

    class Request(Process):
        def run(self, srv):
            t0 = sim.now()
            yield hold, self, LAT
            yield put, self, srv.mailbox, [self]
            yield passivate, self          # served: reactivated by the gen_server
            yield hold, self, LAT
            stats[0] += 1
            stats[1] += sim.now() - t0

    class GenServer(Process):
        def __init__(self, node):
            Process.__init__(self, sim=sim)
            self.node = node
            self.mailbox = Store(capacity="unbounded", sim=sim)

        def run(self):
            while True:
                yield get, self, self.mailbox, 1
                req = self.got[0]
                yield request, self, self.node.cores
                while True:
                    yield hold, self, rng.expovariate(1.0 / S)
                    sim.reactivate(req)
                    if self.mailbox.nrBuffered == 0:
                        break
                    yield get, self, self.mailbox, 1
                    req = self.got[0]
                yield release, self, self.node.cores

    servers = []
    for n in ("s1", "s2"):
        node = Node(n)
        for _ in range(a.procs):
            g = GenServer(node)
            sim.activate(g, g.run())
            servers.append(g)

    class Arrivals(Process):
        def run(self):
            while True:
                yield hold, self, rng.expovariate(a.rate)
                if sim.now() >= a.duration:
                    return
                r = Request(sim=sim)
                sim.activate(r, r.run(servers[rng.randrange(len(servers))]))

    arr = Arrivals(sim=sim)
    sim.activate(arr, arr.run())
    sim.simulate(until=a.duration + 0.1)


def run_simpy3(a, rng, S, stats):
    import simpy

    env = simpy.Environment()

    class GenServer:
        def __init__(self, cores):
            self.cores = cores
            self.mailbox = simpy.Store(env)
            env.process(self.run())

        def run(self):
            while True:
                req = yield self.mailbox.get()
                with self.cores.request() as core:
                    yield core
                    while True:
                        yield env.timeout(rng.expovariate(1.0 / S))
                        req.succeed()
                        if not self.mailbox.items:
                            break
                        req = yield self.mailbox.get()

    def request(srv):
        t0 = env.now
        yield env.timeout(LAT)
        done = env.event()
        yield srv.mailbox.put(done)
        yield done
        yield env.timeout(LAT)
        stats[0] += 1
        stats[1] += env.now - t0

    servers = []
    for _ in ("s1", "s2"):
        cores = simpy.Resource(env, capacity=a.cores)
        servers += [GenServer(cores) for _ in range(a.procs)]

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(a.rate))
            if env.now >= a.duration:
                return
            env.process(request(servers[rng.randrange(len(servers))]))

    env.process(arrivals())
    env.run(until=a.duration + 0.1)


def main():
    a = parse()
    rng = random.Random(a.seed)
    S = 2 * a.cores * a.rho / a.rate
    stats = [0, 0.0]
    try:
        import SimPy.Simulation  # noqa: F401  (Debian 12's python3-simpy: SimPy 2.3)
        runner, version = run_simpy2, "SimPy 2"
    except ImportError:
        try:
            import simpy
            runner, version = run_simpy3, "simpy " + getattr(simpy, "__version__", "3+")
        except ImportError:
            print("mmc_simpy.py: SimPy is not installed (apt-get install python3-simpy)", file=sys.stderr)
            return 3
    t0, c0 = time.perf_counter(), time.process_time()
    runner(a, rng, S, stats)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    mean_ms = stats[1] / stats[0] * 1000 if stats[0] else 0.0
    print("simpy result: %s python %s requests %d virtual_s %.1f wall_s %.3f cpu_s %.3f mean_response_ms %.4f"
          % (version, sys.version.split()[0], stats[0], a.duration, wall, cpu, mean_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
