"""Hostile GraphQL under load (issue 12): how fast the fragment-spread attack is refused over
POST, GET and WebSocket, how a plain REST read fares while 4 such requests arrive each second,
and the server's memory through it all. Run by bench/hostile.sh, which starts the servers.

Prints one line per figure; latencies are also given as a ratio to the same request against a
bare actix-web handler measured in the same run.
"""

import asyncio
import json
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

import websockets

BASE, BARE, PID = sys.argv[1], sys.argv[2], int(sys.argv[3])
SLUG = sys.argv[4]


def bomb(levels):
    q = ["fragment F0 on Query { __typename }"]
    for i in range(1, levels + 1):
        q.append(f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}")
    q.append(f"query {{ ...F{levels} }}")
    return "\n".join(q)


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def post(query):
    req = urllib.request.Request(
        BASE + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req) as r:
        return r.read()


def get(query):
    url = BASE + "/graphql?query=" + urllib.parse.quote(query)
    with urllib.request.urlopen(url) as r:
        return r.read()


async def ws_once(query):
    url = BASE.replace("http", "ws", 1) + "/graphql/ws"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await ws.recv()
        started = time.perf_counter()
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        answer = await ws.recv()
        took = time.perf_counter() - started
        assert "query_too_complex" in answer, answer
        return took


def timed(fn, *args):
    started = time.perf_counter()
    body = fn(*args)
    took = time.perf_counter() - started
    assert b"query_too_complex" in body, body[:200]
    return took


def ms(xs):
    xs = sorted(xs)
    return statistics.median(xs) * 1000, xs[int(len(xs) * 0.99) - 1] * 1000, xs[-1] * 1000


def read(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url) as r:
        r.read()
    return time.perf_counter() - started


def main():
    rss_start = rss_kib(PID)
    for levels in (22, 40):
        query = bomb(levels)
        for name, fn in (("POST", post), ("GET", get)):
            times = [timed(fn, query) for _ in range(50)]
            p50, p99, worst = ms(times)
            print(f"refused {levels} levels over {name}: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms")
        times = [asyncio.run(ws_once(query)) for _ in range(20)]
        p50, p99, worst = ms(times)
        print(f"refused {levels} levels over WebSocket: p50 {p50:.2f} ms, max {worst:.2f} ms")

    # A REST read, alone and while 4 hostile requests a second arrive (POST, GET, WS in turn).
    item = f"{BASE}/api/v1/articles/{SLUG}"
    bare = [read(BARE + "/x") for _ in range(300)]
    alone = [read(item) for _ in range(300)]
    stop = threading.Event()
    sent = [0]

    def attacker():
        # Four a second on a fixed schedule, each on its own thread, so a slow one never
        # lowers the rate.
        query = bomb(40)
        kinds = [lambda: post(query), lambda: get(query), lambda: asyncio.run(ws_once(query))]
        began = time.time()
        i = 0
        while not stop.is_set():
            threading.Thread(target=kinds[i % 3], daemon=True).start()
            sent[0] += 1
            i += 1
            stop.wait(max(0.0, began + i * 0.25 - time.time()))

    thread = threading.Thread(target=attacker)
    thread.start()
    under = []
    deadline = time.time() + 10
    while time.time() < deadline:
        under.append(read(item))
    stop.set()
    thread.join()
    b50, _, _ = ms(bare)
    a50, a99, _ = ms(alone)
    u50, u99, umax = ms(under)
    print(f"bare handler read: p50 {b50:.2f} ms")
    print(f"REST read alone: p50 {a50:.2f} ms ({a50 / b50:.1f}x bare), p99 {a99:.2f} ms")
    print(
        f"REST read with {sent[0] / 10:.1f} hostile requests/s: p50 {u50:.2f} ms ({u50 / b50:.1f}x bare), "
        f"p99 {u99:.2f} ms, max {umax:.2f} ms, {len(under)} reads"
    )
    print(
        f"server memory: {rss_start / 1024:.1f} MB at start, {rss_kib(PID) / 1024:.1f} MB after, "
        f"peak {rss_kib(PID, 'VmHWM') / 1024:.1f} MB"
    )


main()
