#!/usr/bin/env python3
"""Ask the real redis-server what it replies, byte for byte.

Usage: scripts/oracle.py [--port P] [--resp3] 'SET k v' 'GET k' ...
Starts a throwaway Debian redis-server (unless --port names a running
server), sends each command (split with redis.conf quoting rules via
shlex), and prints each reply as an escaped string ready for a test table.
"""
import os, shlex, socket, subprocess, sys, tempfile, time

def read_reply(f):
    line = f.readline()
    t, rest = line[:1], line[1:-2]
    if t in (b'+', b'-', b':', b'_', b',', b'#', b'('):
        return line
    if t in (b'$', b'=', b'!'):
        n = int(rest)
        if n < 0:
            return line
        return line + f.read(n + 2)
    if t in (b'*', b'~', b'>', b'%', b'|'):
        n = int(rest)
        if n < 0:
            return line
        if t in (b'%', b'|'):
            n *= 2
        out = line
        for _ in range(n):
            out += read_reply(f)
        return out
    return line

def encode(args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out

def main():
    argv = sys.argv[1:]
    port, resp3 = None, False
    while argv and argv[0].startswith('--'):
        if argv[0] == '--port':
            port = int(argv[1]); argv = argv[2:]
        elif argv[0] == '--resp3':
            resp3 = True; argv = argv[1:]
        else:
            break
    proc = None
    if port is None:
        port = 16379 + os.getpid() % 1000
        d = tempfile.mkdtemp()
        proc = subprocess.Popen(['redis-server', '--port', str(port), '--save', '', '--appendonly', 'no',
                                 '--dir', d, '--enable-debug-command', 'yes'], stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(('127.0.0.1', port)).close(); break
            except OSError:
                time.sleep(0.05)
    s = socket.create_connection(('127.0.0.1', port))
    f = s.makefile('rb')
    if resp3:
        s.sendall(encode(['HELLO', '3'])); read_reply(f)
    try:
        for cmd in argv:
            s.sendall(encode(shlex.split(cmd)))
            r = read_reply(f)
            print('("%s", "%s"),' % (cmd.replace('"', '\\"'), r.decode('latin1').encode('unicode_escape').decode().replace('"', '\\"')))
    finally:
        if proc:
            proc.terminate(); proc.wait()

main()
