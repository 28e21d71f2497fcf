%% ring.erl — the BEAM side of bench_ring: N processes in a ring pass a countdown token H hops;
%% the process that receives 0 tells the main process. Prints "ns_per_hop <float>".
%%   erl -noshell +S 1 -pa DIR -eval 'ring:main(N, H), halt().'
%% ring:spawn_mem(N) prints "bytes_per_process <int> spawns_per_s <float>".
-module(ring).
-export([main/2, spawn_mem/1]).

start_node(Main) -> receive {next, Next} -> node_loop(Next, Main) end.

node_loop(Next, Main) ->
    receive
        0 -> Main ! done, node_loop(Next, Main);
        K -> Next ! K - 1, node_loop(Next, Main)
    end.

main(N, H) ->
    Self = self(),
    Pids = [spawn(fun() -> start_node(Self) end) || _ <- lists:seq(1, N)],
    [P ! {next, Q} || {P, Q} <- lists:zip(Pids, tl(Pids) ++ [hd(Pids)])],
    T0 = erlang:monotonic_time(nanosecond),
    hd(Pids) ! H,
    receive done -> ok end,
    T1 = erlang:monotonic_time(nanosecond),
    io:format("ns_per_hop ~.2f~n", [(T1 - T0) / H]),
    [exit(P, kill) || P <- Pids],
    ok.

idle() -> receive stop -> ok end.

spawn_mem(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = erlang:monotonic_time(nanosecond),
    Pids = [spawn(fun idle/0) || _ <- lists:seq(1, N)],
    T1 = erlang:monotonic_time(nanosecond),
    M1 = erlang:memory(processes),
    io:format("bytes_per_process ~p spawns_per_s ~p~n", [(M1 - M0) div N, round(N / ((T1 - T0) / 1.0e9))]),
    [P ! stop || P <- Pids],
    ok.
