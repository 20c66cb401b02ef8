#!/usr/bin/env python3
"""PUBLISH fan-out throughput: messages delivered per second to N subscribers.

Usage: scripts/bench-pubsub.py PORT SUBSCRIBERS MESSAGES [PIPELINE] [SIZE]
Opens SUBSCRIBERS raw connections subscribed to one channel, drains them
with one selector loop (counting bytes: every message has the same size),
and publishes MESSAGES pipelined PUBLISH commands from another connection.
Prints the deliveries per second, from the first PUBLISH sent to the last
byte received by the last subscriber.
"""
import selectors, socket, sys, threading, time

def resp(*args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out

def main():
    port, nsubs, nmsgs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    pipeline = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    chan, payload = b'bench', b'x' * size
    msg_len = len(resp(b'message', chan, payload))
    subs = []
    for _ in range(nsubs):
        s = socket.create_connection(('127.0.0.1', port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.sendall(resp(b'SUBSCRIBE', chan))
        got = b''
        while not got.endswith(b':1\r\n'):
            got += s.recv(4096)
        s.setblocking(False)
        subs.append(s)
    want = msg_len * nmsgs
    sel = selectors.DefaultSelector()
    remaining = {}
    for s in subs:
        sel.register(s, selectors.EVENT_READ)
        remaining[s] = want
    done = threading.Event()
    end = [0.0]

    def drain():
        left = len(subs)
        while left:
            for key, _ in sel.select(timeout=10):
                s = key.fileobj
                data = s.recv(1 << 20)
                if not data:
                    raise SystemExit('subscriber disconnected')
                remaining[s] -= len(data)
                if remaining[s] <= 0:
                    sel.unregister(s)
                    left -= 1
        end[0] = time.perf_counter()
        done.set()

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    pub = socket.create_connection(('127.0.0.1', port))
    batch = resp(b'PUBLISH', chan, payload) * pipeline
    reply = b':%d\r\n' % nsubs
    start = time.perf_counter()
    sent = 0
    buf = b''
    while sent < nmsgs:
        n = min(pipeline, nmsgs - sent)
        pub.sendall(batch if n == pipeline else resp(b'PUBLISH', chan, payload) * n)
        need = len(reply) * n
        while len(buf) < need:
            buf += pub.recv(1 << 16)
        buf = buf[need:]
        sent += n
    if not done.wait(120):
        raise SystemExit('subscribers did not receive everything')
    elapsed = end[0] - start
    print('%.0f' % (nsubs * nmsgs / elapsed))

main()
