//! Sorted set command tests. Every expected reply in the tables below is
//! redis-server 7.0.15's (scripts/oracle.py), byte for byte.

use crate::commands::testing::{MultiClients, TestServer};

fn check_all(t: &mut TestServer, cases: &[(&str, &str)]) {
    t.check(cases);
}

#[test]
fn add_score_rank_remove() {
    let mut t = TestServer::new();
    check_all(
        &mut t,
        &[
            ("ZADD z 1 a 2 b 3 c", ":3\r\n"),
            ("ZADD z XX CH 5 a 9 new", ":1\r\n"),
            ("ZADD z NX 0 a 4 d", ":1\r\n"),
            ("ZADD z GT 1 b 10 c", ":0\r\n"),
            ("ZADD z LT CH 0 b 100 d", ":1\r\n"),
            ("ZADD z INCR 1.5 a", "$3\r\n6.5\r\n"),
            ("ZADD z INCR GT -1 a", "$-1\r\n"),
            ("ZADD z XX INCR 1 nokey", "$-1\r\n"),
            ("ZADD missing XX 1 a", ":0\r\n"),
            ("ZADD missing XX INCR 1 a", "$-1\r\n"),
            ("EXISTS missing", ":0\r\n"),
            ("ZRANGE z 0 -1 WITHSCORES", "*8\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$3\r\n6.5\r\n$1\r\nc\r\n$2\r\n10\r\n"),
            ("ZINCRBY z 2.5 b", "$3\r\n2.5\r\n"),
            ("ZINCRBY z 1 brandnew", "$1\r\n1\r\n"),
            ("ZINCRBY z abc b", "-ERR value is not a valid float\r\n"),
            ("ZSCORE z a", "$3\r\n6.5\r\n"),
            ("ZSCORE z nope", "$-1\r\n"),
            ("ZSCORE nokey a", "$-1\r\n"),
            ("ZMSCORE z a nope b", "*3\r\n$3\r\n6.5\r\n$-1\r\n$3\r\n2.5\r\n"),
            ("ZMSCORE nokey a b", "*2\r\n$-1\r\n$-1\r\n"),
            ("ZCARD z", ":5\r\n"),
            ("ZCARD nokey", ":0\r\n"),
            ("ZRANK z c", ":4\r\n"),
            ("ZREVRANK z c", ":0\r\n"),
            ("ZRANK z nope", "$-1\r\n"),
            ("ZRANK nokey a", "$-1\r\n"),
            ("ZREM z a nope c", ":2\r\n"),
            ("ZRANGE z 0 -1", "*3\r\n$8\r\nbrandnew\r\n$1\r\nb\r\n$1\r\nd\r\n"),
            ("ZREM z b d brandnew", ":3\r\n"),
            ("EXISTS z", ":0\r\n"),
            ("ZADD z 1 1 2 2 3 3 -5 -5 100000000000 big", ":5\r\n"),
            ("OBJECT ENCODING z", "$8\r\nlistpack\r\n"),
            ("ZRANGE z 0 -1 WITHSCORES", "*10\r\n$2\r\n-5\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n3\r\n$3\r\nbig\r\n$12\r\n100000000000\r\n"),
            ("ZRANGE z -2 -1", "*2\r\n$1\r\n3\r\n$3\r\nbig\r\n"),
            ("ZRANGE z 5 1", "*0\r\n"),
            ("ZRANGE z 1 100", "*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$3\r\nbig\r\n"),
            ("ZRANGE z 0 1 REV WITHSCORES", "*4\r\n$3\r\nbig\r\n$12\r\n100000000000\r\n$1\r\n3\r\n$1\r\n3\r\n"),
            ("ZREVRANGE z 0 1 WITHSCORES", "*4\r\n$3\r\nbig\r\n$12\r\n100000000000\r\n$1\r\n3\r\n$1\r\n3\r\n"),
            ("ZREVRANGE z 1 0", "*0\r\n"),
            ("ZRANGE z abc 1", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANGE z 0 -1 LIMIT 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"),
            ("SET str x", "+OK\r\n"),
            ("ZADD str 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZRANGE str 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZSCORE str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZCARD str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZINCRBY str 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZADD z 1 a 2 b", ":2\r\n"),
        ],
    );
}

#[test]
fn score_and_lex_ranges_store_and_remove() {
    let mut t = TestServer::new();
    check_all(
        &mut t,
        &[
            ("ZADD s 1 a 2 b 3 c 4 d 5 e 1.5 x -inf ninf +inf pinf", ":8\r\n"),
            (
                "ZRANGEBYSCORE s -inf +inf",
                "*8\r\n$4\r\nninf\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$4\r\npinf\r\n",
            ),
            ("ZRANGEBYSCORE s (1 3 WITHSCORES", "*6\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("ZRANGEBYSCORE s 1 (3", "*3\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n"),
            ("ZRANGEBYSCORE s (1 (1.5", "*0\r\n"),
            ("ZRANGEBYSCORE s 3 1", "*0\r\n"),
            ("ZRANGEBYSCORE s 2 2", "*1\r\n$1\r\nb\r\n"),
            ("ZRANGEBYSCORE s -inf +inf LIMIT 2 3", "*3\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("ZRANGEBYSCORE s -inf +inf LIMIT -1 3", "*0\r\n"),
            ("ZRANGEBYSCORE s -inf +inf LIMIT 2 -1", "*6\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$4\r\npinf\r\n"),
            ("ZRANGEBYSCORE s -inf +inf LIMIT 2 0", "*0\r\n"),
            ("ZRANGEBYSCORE s -inf +inf LIMIT 100 1", "*0\r\n"),
            ("ZRANGEBYSCORE s -inf +inf WITHSCORES LIMIT 1 2", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nx\r\n$3\r\n1.5\r\n"),
            (
                "ZREVRANGEBYSCORE s +inf -inf LIMIT 1 3 WITHSCORES",
                "*6\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n",
            ),
            ("ZREVRANGEBYSCORE s 3 (1", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\nx\r\n"),
            ("ZREVRANGEBYSCORE s 1 3", "*0\r\n"),
            ("ZRANGE s (1 3 BYSCORE", "*3\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n"),
            ("ZRANGE s 3 (1 BYSCORE REV LIMIT 1 5", "*2\r\n$1\r\nb\r\n$1\r\nx\r\n"),
            ("ZRANGEBYSCORE s a b", "-ERR min or max is not a float\r\n"),
            ("ZRANGEBYSCORE s 1 nan", "-ERR min or max is not a float\r\n"),
            ("ZRANGEBYSCORE s [1 2", "-ERR min or max is not a float\r\n"),
            ("ZRANGEBYSCORE nokey a b", "-ERR min or max is not a float\r\n"),
            ("ZRANGEBYSCORE s 1 2 LIMIT 1", "-ERR syntax error\r\n"),
            ("ZRANGEBYSCORE s 1 2 LIMIT a 1", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANGEBYSCORE s 1 2 BYLEX", "-ERR syntax error\r\n"),
            ("ZCOUNT s -inf +inf", ":8\r\n"),
            ("ZCOUNT s (1 3", ":3\r\n"),
            ("ZCOUNT s x 3", "-ERR min or max is not a float\r\n"),
            ("ZCOUNT nokey 1 2", ":0\r\n"),
            ("ZCOUNT s 5 1", ":0\r\n"),
            ("ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", ":7\r\n"),
            ("ZRANGEBYLEX l - +", "*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
            ("ZRANGEBYLEX l [b (e", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"),
            ("ZRANGEBYLEX l (b [e LIMIT 1 2", "*2\r\n$1\r\nd\r\n$1\r\ne\r\n"),
            ("ZREVRANGEBYLEX l + -", "*7\r\n$1\r\ng\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("ZREVRANGEBYLEX l [e (b", "*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n"),
            ("ZRANGE l [c + BYLEX", "*5\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n"),
            ("ZRANGE l + [c BYLEX REV LIMIT 0 2", "*2\r\n$1\r\ng\r\n$1\r\nf\r\n"),
            ("ZRANGEBYLEX l a c", "-ERR min or max not valid string range item\r\n"),
            ("ZRANGEBYLEX l [a ++", "-ERR min or max not valid string range item\r\n"),
            ("ZRANGEBYLEX l + -", "*0\r\n"),
            ("ZRANGEBYLEX l (c (c", "*0\r\n"),
            ("ZRANGEBYLEX l [c [c", "*1\r\n$1\r\nc\r\n"),
            ("ZLEXCOUNT l - +", ":7\r\n"),
            ("ZLEXCOUNT l [b (d", ":2\r\n"),
            ("ZLEXCOUNT l b d", "-ERR min or max not valid string range item\r\n"),
            ("ZLEXCOUNT nokey - +", ":0\r\n"),
            ("ZRANGEBYLEX l - + WITHSCORES", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"),
            ("ZRANGESTORE dst s 0 2", ":3\r\n"),
            ("ZRANGE dst 0 -1 WITHSCORES", "*6\r\n$4\r\nninf\r\n$4\r\n-inf\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nx\r\n$3\r\n1.5\r\n"),
            ("ZRANGESTORE dst s (1 3 BYSCORE", ":3\r\n"),
            ("ZRANGE dst 0 -1 WITHSCORES", "*6\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("ZRANGESTORE dst l [b [d BYLEX REV", ":0\r\n"),
            ("ZRANGE dst 0 -1", "*0\r\n"),
            ("ZRANGESTORE dst s 10 20", ":0\r\n"),
            ("EXISTS dst", ":0\r\n"),
            ("ZRANGESTORE dst nokey 0 -1", ":0\r\n"),
            ("ZRANGESTORE dst s 0 1 WITHSCORES", "-ERR syntax error\r\n"),
            ("ZREMRANGEBYRANK s 0 1", ":2\r\n"),
            ("ZREMRANGEBYRANK s -1 -1", ":1\r\n"),
            ("ZREMRANGEBYRANK s 5 1", ":0\r\n"),
            ("ZREMRANGEBYRANK s x 1", "-ERR value is not an integer or out of range\r\n"),
            ("ZREMRANGEBYRANK nokey 0 1", ":0\r\n"),
            (
                "ZRANGE s 0 -1 WITHSCORES",
                "*10\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n",
            ),
            ("ZREMRANGEBYSCORE s (1.5 3", ":2\r\n"),
            ("ZREMRANGEBYSCORE s x 1", "-ERR min or max is not a float\r\n"),
            ("ZREMRANGEBYSCORE nokey x 1", "-ERR min or max is not a float\r\n"),
            ("ZRANGE s 0 -1 WITHSCORES", "*6\r\n$1\r\nx\r\n$3\r\n1.5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n"),
            ("ZREMRANGEBYLEX l [b (d", ":2\r\n"),
            ("ZREMRANGEBYLEX l b d", "-ERR min or max not valid string range item\r\n"),
            ("ZREMRANGEBYLEX l - +", ":5\r\n"),
            ("EXISTS l", ":0\r\n"),
            ("ZREMRANGEBYSCORE s -inf +inf", ":3\r\n"),
            ("EXISTS s", ":0\r\n"),
        ],
    );
}

#[test]
fn algebra_pops_random_scan_digest() {
    let mut t = TestServer::new();
    check_all(
        &mut t,
        &[
            ("ZADD a 1 x 2 y 3 z", ":3\r\n"),
            ("ZADD b 10 y 20 z 30 w", ":3\r\n"),
            ("SADD s y w q", ":3\r\n"),
            ("ZUNION 2 a b WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZUNION 3 a b s WITHSCORES", "*10\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n13\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n31\r\n"),
            ("ZUNION 2 a b WEIGHTS 2 -1 WITHSCORES", "*8\r\n$1\r\nw\r\n$3\r\n-30\r\n$1\r\nz\r\n$3\r\n-14\r\n$1\r\ny\r\n$2\r\n-6\r\n$1\r\nx\r\n$1\r\n2\r\n"),
            ("ZUNION 2 a b AGGREGATE MIN WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZUNION 2 a b AGGREGATE max WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("ZUNION 2 a nokey", "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n"),
            ("ZINTER 2 a b WITHSCORES", "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"),
            ("ZINTER 3 a b s WITHSCORES", "*2\r\n$1\r\ny\r\n$2\r\n13\r\n"),
            ("ZINTER 2 a b AGGREGATE MAX WEIGHTS 1 0.5 WITHSCORES", "*4\r\n$1\r\ny\r\n$1\r\n5\r\n$1\r\nz\r\n$2\r\n10\r\n"),
            ("ZINTER 2 a a WITHSCORES", "*6\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n"),
            ("ZINTER 2 a nokey", "*0\r\n"),
            ("ZDIFF 2 a b WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
            ("ZDIFF 2 b s", "*1\r\n$1\r\nz\r\n"),
            ("ZDIFF 1 nokey", "*0\r\n"),
            ("ZDIFF 2 a b AGGREGATE MIN", "-ERR syntax error\r\n"),
            ("ZINTERCARD 2 a b", ":2\r\n"),
            ("ZINTERCARD 2 a b LIMIT 1", ":1\r\n"),
            ("ZINTERCARD 2 a b LIMIT 0", ":2\r\n"),
            ("ZINTERCARD 1 a LIMIT x", "-ERR LIMIT can't be negative\r\n"),
            ("ZINTERCARD 2 a nokey", ":0\r\n"),
            ("ZINTERCARD x a", "-ERR value is not an integer or out of range\r\n"),
            ("ZUNIONSTORE d 2 a b", ":4\r\n"),
            ("ZRANGE d 0 -1 WITHSCORES", "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("OBJECT ENCODING d", "$8\r\nlistpack\r\n"),
            ("ZINTERSTORE d 2 a b WEIGHTS 1 1 AGGREGATE SUM", ":2\r\n"),
            ("ZRANGE d 0 -1 WITHSCORES", "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"),
            ("ZDIFFSTORE d 2 a b", ":1\r\n"),
            ("ZRANGE d 0 -1 WITHSCORES", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
            ("ZINTERSTORE d 2 a nokey", ":0\r\n"),
            ("EXISTS d", ":0\r\n"),
            ("ZUNION 2 a b WEIGHTS 1", "-ERR syntax error\r\n"),
            ("ZUNION 2 a b AGGREGATE avg", "-ERR syntax error\r\n"),
            ("ZUNION 2 a b WITHSCORES extra", "-ERR syntax error\r\n"),
            ("ZUNIONSTORE d 2 a b WITHSCORES", "-ERR syntax error\r\n"),
            ("ZUNION 1 a b", "-ERR syntax error\r\n"),
            ("ZUNION -1 a", "-ERR at least 1 input key is needed for 'zunion' command\r\n"),
            ("ZUNION 1 str", "*0\r\n"),
            ("SET str v", "+OK\r\n"),
            ("ZUNION 2 a str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZUNION 2 str a WEIGHTS x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZADD inf 1 p", ":1\r\n"),
            ("ZUNION 2 inf inf WEIGHTS inf -inf WITHSCORES", "*2\r\n$1\r\np\r\n$1\r\n0\r\n"),
            ("ZINTER 2 inf inf WEIGHTS 0 inf WITHSCORES", "*2\r\n$1\r\np\r\n$3\r\ninf\r\n"),
            ("ZPOPMIN a", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
            ("ZPOPMAX a", "*2\r\n$1\r\nz\r\n$1\r\n3\r\n"),
            ("ZPOPMIN b 2", "*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n"),
            ("ZPOPMAX b 10", "*2\r\n$1\r\nw\r\n$2\r\n30\r\n"),
            ("EXISTS b", ":0\r\n"),
            ("ZPOPMIN nokey", "*0\r\n"),
            ("ZPOPMIN nokey 2", "*0\r\n"),
            ("ZPOPMIN a 0", "*0\r\n"),
            ("ZPOPMIN a 1 2", "-ERR syntax error\r\n"),
            ("ZPOPMIN str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZADD m 1 a 2 b 3 c", ":3\r\n"),
            ("ZMPOP 2 nokey m MIN", "*2\r\n$1\r\nm\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("ZMPOP 2 nokey m MAX COUNT 10", "*2\r\n$1\r\nm\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("ZMPOP 1 m MIN", "*-1\r\n"),
            ("ZMPOP 1 m MIN COUNT 1 COUNT 2", "-ERR syntax error\r\n"),
            ("ZMPOP 1 m MID", "-ERR syntax error\r\n"),
            ("ZMPOP 2 m MIN", "-ERR syntax error\r\n"),
            ("ZADD m 1 a 2 b 3 c", ":3\r\n"),
            ("BZPOPMIN nokey m 0", "*3\r\n$1\r\nm\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("BZPOPMAX m 1", "*3\r\n$1\r\nm\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("BZMPOP 0 1 m MIN COUNT 5", "*2\r\n$1\r\nm\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("BZPOPMIN m -1", "-ERR timeout is negative\r\n"),
            ("BZMPOP 0 0 m MIN", "-ERR numkeys should be greater than 0\r\n"),
            ("BZPOPMIN str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZADD r 1 a 2 b 3 c", ":3\r\n"),
            ("ZRANDMEMBER r 10", "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"),
            ("ZRANDMEMBER r 3 WITHSCORES", "*6\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n"),
            ("ZRANDMEMBER r 0", "*0\r\n"),
            ("ZRANDMEMBER nokey", "$-1\r\n"),
            ("ZRANDMEMBER nokey 5", "*0\r\n"),
            ("ZRANDMEMBER r 5 withscore", "-ERR syntax error\r\n"),
            ("ZRANDMEMBER r x", "-ERR value is not an integer or out of range\r\n"),
            ("ZRANDMEMBER str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("ZSCAN r 0", "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"),
            ("ZSCAN r 0 MATCH [ab]", "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"),
            ("ZSCAN r 0 COUNT 0", "-ERR syntax error\r\n"),
            ("ZSCAN nokey 0", "*2\r\n$1\r\n0\r\n*0\r\n"),
            ("ZSCAN r x", "-ERR invalid cursor\r\n"),
            ("ZSCAN str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            ("DEBUG DIGEST-VALUE r", "*1\r\n+9767dd7466426098574d2ccde98092be7ea01296\r\n"),
            ("ZADD f 1.1 a 0.1 b 3e-7 c 1e100 d -0.0 e 12345678901234567890 f", ":6\r\n"),
            ("ZRANGE f 0 -1 WITHSCORES", "*12\r\n$1\r\ne\r\n$1\r\n0\r\n$1\r\nc\r\n$22\r\n2.9999999999999999e-07\r\n$1\r\nb\r\n$19\r\n0.10000000000000001\r\n$1\r\na\r\n$18\r\n1.1000000000000001\r\n$1\r\nf\r\n$22\r\n1.2345678901234567e+19\r\n$1\r\nd\r\n$6\r\n1e+100\r\n"),
            ("ZSCORE f a", "$18\r\n1.1000000000000001\r\n"),
            ("DEBUG DIGEST-VALUE f", "*1\r\n+794f28f1ecac3db222c143d27b39042535e29b4f\r\n"),
        ],
    );
}

#[test]
fn resp3_replies() {
    let mut t = TestServer::new();
    t.client.out.resp = 3;
    check_all(
        &mut t,
        &[
            ("ZADD z 1 a 2.5 b", ":2\r\n"),
            ("ZRANGE z 0 -1 WITHSCORES", "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"),
            ("ZRANGE z 0 -1", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
            ("ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 0 1", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZSCORE z b", ",2.5\r\n"),
            ("ZSCORE z x", "_\r\n"),
            ("ZMSCORE z a x", "*2\r\n,1\r\n_\r\n"),
            ("ZRANK z x", "_\r\n"),
            ("ZPOPMIN z 1", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZADD z 1 a", ":1\r\n"),
            ("ZPOPMIN z", "*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZADD z 1 a 3 c", ":2\r\n"),
            ("ZPOPMAX z 5", "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZADD z 1 a 3 c", ":2\r\n"),
            ("ZUNION 1 z WITHSCORES", "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nc\r\n,3\r\n"),
            ("ZRANDMEMBER z 5 WITHSCORES", "*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZRANDMEMBER z 5", "*2\r\n$1\r\nc\r\n$1\r\na\r\n"),
            ("ZMPOP 1 z MIN", "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
            ("ZMPOP 1 nokey MIN", "_\r\n"),
            ("BZPOPMAX z 0", "*3\r\n$1\r\nz\r\n$1\r\nc\r\n,3\r\n"),
            ("ZADD z INCR 1 q", ",1\r\n"),
            ("ZADD z XX INCR 1 none", "_\r\n"),
            ("ZADD z 1 inf", ":1\r\n"),
            ("ZADD z inf pinf", ":1\r\n"),
            ("ZSCORE z pinf", ",inf\r\n"),
            ("ZRANDMEMBER nokey", "_\r\n"),
            ("ZSCAN z 0", "*2\r\n$1\r\n0\r\n*6\r\n$3\r\ninf\r\n$1\r\n1\r\n$1\r\nq\r\n$1\r\n1\r\n$4\r\npinf\r\n$3\r\ninf\r\n"),
        ],
    );
}

#[test]
fn encodings_at_thresholds() {
    let mut t = TestServer::new();
    t.check(&[
        ("ZADD big 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15 16 m16 17 m17 18 m18 19 m19 20 m20 21 m21 22 m22 23 m23 24 m24 25 m25 26 m26 27 m27 28 m28 29 m29 30 m30 31 m31 32 m32 33 m33 34 m34 35 m35 36 m36 37 m37 38 m38 39 m39 40 m40 41 m41 42 m42 43 m43 44 m44 45 m45 46 m46 47 m47 48 m48 49 m49 50 m50 51 m51 52 m52 53 m53 54 m54 55 m55 56 m56 57 m57 58 m58 59 m59 60 m60 61 m61 62 m62 63 m63 64 m64 65 m65 66 m66 67 m67 68 m68 69 m69 70 m70 71 m71 72 m72 73 m73 74 m74 75 m75 76 m76 77 m77 78 m78 79 m79 80 m80 81 m81 82 m82 83 m83 84 m84 85 m85 86 m86 87 m87 88 m88 89 m89 90 m90 91 m91 92 m92 93 m93 94 m94 95 m95 96 m96 97 m97 98 m98 99 m99 100 m100 101 m101 102 m102 103 m103 104 m104 105 m105 106 m106 107 m107 108 m108 109 m109 110 m110 111 m111 112 m112 113 m113 114 m114 115 m115 116 m116 117 m117 118 m118 119 m119 120 m120 121 m121 122 m122 123 m123 124 m124 125 m125 126 m126 127 m127", ":128\r\n"),
        ("OBJECT ENCODING big", "$8\r\nlistpack\r\n"),
        ("ZADD big 200 m200", ":1\r\n"),
        ("OBJECT ENCODING big", "$8\r\nskiplist\r\n"),
        ("ZREMRANGEBYRANK big 0 100", ":101\r\n"),
        ("OBJECT ENCODING big", "$8\r\nskiplist\r\n"),
        ("ZUNIONSTORE u 1 big", ":28\r\n"),
        ("OBJECT ENCODING u", "$8\r\nlistpack\r\n"),
        ("ZRANGESTORE r big 0 5", ":6\r\n"),
        ("OBJECT ENCODING r", "$8\r\nlistpack\r\n"),
        ("ZADD long 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ":1\r\n"),
        ("OBJECT ENCODING long", "$8\r\nlistpack\r\n"),
        ("ZADD long 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", ":1\r\n"),
        ("OBJECT ENCODING long", "$8\r\nskiplist\r\n"),
        ("ZADD long2 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy 2 a", ":2\r\n"),
        ("OBJECT ENCODING long2", "$8\r\nskiplist\r\n"),
        ("ZREM long2 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", ":1\r\n"),
        ("OBJECT ENCODING long2", "$8\r\nskiplist\r\n"),
        ("ZINTERSTORE i 2 long2 long2", ":1\r\n"),
        ("OBJECT ENCODING i", "$8\r\nlistpack\r\n"),
        ("ZRANGE big 0 2 WITHSCORES", "*6\r\n$4\r\nm101\r\n$3\r\n101\r\n$4\r\nm102\r\n$3\r\n102\r\n$4\r\nm103\r\n$3\r\n103\r\n"),
        ("ZRANK big m120", ":19\r\n"),
        ("ZREVRANK big m120", ":8\r\n"),
        ("ZSCORE big m200", "$3\r\n200\r\n"),
        ("ZCOUNT big 110 120", ":11\r\n"),
        ("ZRANDMEMBER big 1000 WITHSCORES", "*56\r\n$4\r\nm200\r\n$3\r\n200\r\n$4\r\nm127\r\n$3\r\n127\r\n$4\r\nm126\r\n$3\r\n126\r\n$4\r\nm125\r\n$3\r\n125\r\n$4\r\nm124\r\n$3\r\n124\r\n$4\r\nm123\r\n$3\r\n123\r\n$4\r\nm122\r\n$3\r\n122\r\n$4\r\nm121\r\n$3\r\n121\r\n$4\r\nm120\r\n$3\r\n120\r\n$4\r\nm119\r\n$3\r\n119\r\n$4\r\nm118\r\n$3\r\n118\r\n$4\r\nm117\r\n$3\r\n117\r\n$4\r\nm116\r\n$3\r\n116\r\n$4\r\nm115\r\n$3\r\n115\r\n$4\r\nm114\r\n$3\r\n114\r\n$4\r\nm113\r\n$3\r\n113\r\n$4\r\nm112\r\n$3\r\n112\r\n$4\r\nm111\r\n$3\r\n111\r\n$4\r\nm110\r\n$3\r\n110\r\n$4\r\nm109\r\n$3\r\n109\r\n$4\r\nm108\r\n$3\r\n108\r\n$4\r\nm107\r\n$3\r\n107\r\n$4\r\nm106\r\n$3\r\n106\r\n$4\r\nm105\r\n$3\r\n105\r\n$4\r\nm104\r\n$3\r\n104\r\n$4\r\nm103\r\n$3\r\n103\r\n$4\r\nm102\r\n$3\r\n102\r\n$4\r\nm101\r\n$3\r\n101\r\n"),
        ("DEBUG DIGEST-VALUE big", "*1\r\n+4a43f92fd3ee678c6d2723bf70f2d359ff7d85e3\r\n"),
        ("CONFIG SET zset-max-listpack-entries 0", "+OK\r\n"),
        ("ZADD zero 1 a", ":1\r\n"),
        ("OBJECT ENCODING zero", "$8\r\nskiplist\r\n"),
        ("ZUNIONSTORE u2 1 zero", ":1\r\n"),
        ("OBJECT ENCODING u2", "$8\r\nskiplist\r\n"),
        ("CONFIG SET zset-max-listpack-entries 128", "+OK\r\n"),
        ("ZUNIONSTORE u3 1 zero", ":1\r\n"),
        ("OBJECT ENCODING u3", "$8\r\nlistpack\r\n"),
        ("ZADD neg -0 a", ":1\r\n"),
        ("ZRANGE neg 0 -1 WITHSCORES", "*2\r\n$1\r\na\r\n$1\r\n0\r\n"),
        ("CONFIG SET zset-max-listpack-entries 0", "+OK\r\n"),
        ("ZADD neg2 -0 a", ":1\r\n"),
        ("ZRANGE neg2 0 -1 WITHSCORES", "*2\r\n$1\r\na\r\n$2\r\n-0\r\n"),
        ("DEBUG DIGEST-VALUE neg2", "*1\r\n+c9ab76967bcda336b21df9199d49f17d5c44ca5f\r\n"),
        ("ZSCAN neg2 0", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\n-0\r\n"),
    ]);
}

#[test]
fn zscan_of_a_skiplist_returns_every_member_once() {
    let mut t = TestServer::new();
    let mut argv = vec!["ZADD".to_string(), "big".to_string()];
    for i in 0..5000 {
        argv.push(i.to_string());
        argv.push(format!("m{}", i));
    }
    assert_eq!(t.text(&argv), ":5000\r\n");
    let mut seen = std::collections::HashMap::new();
    let mut cursor = "0".to_string();
    loop {
        let reply = t.run(&["ZSCAN", "big", &cursor, "COUNT", "20"]);
        let text = String::from_utf8(reply).unwrap();
        let parts: Vec<&str> = text.split("\r\n").collect();
        cursor = parts[2].to_string();
        let items: Vec<&str> = parts[4..].iter().copied().filter(|p| !p.starts_with('$') && !p.is_empty()).collect();
        for pair in items.chunks(2) {
            assert_eq!(format!("m{}", pair[1]), pair[0]);
            *seen.entry(pair[0].to_string()).or_insert(0) += 1;
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 5000);
    assert!(seen.values().all(|&n| n == 1));
    // MATCH filters members, scores go with them.
    let text = t.text(&["ZSCAN", "big", "0", "MATCH", "m4999", "COUNT", "100000"]);
    assert_eq!(text, "*2\r\n$1\r\n0\r\n*2\r\n$5\r\nm4999\r\n$4\r\n4999\r\n");
}

#[test]
fn blocking_pops_are_served_in_order() {
    let mut m = MultiClients::new(5);
    m.run(0, "BZPOPMIN z 0");
    m.run(1, "BZMPOP 0 2 other z MAX COUNT 2");
    m.run(2, "BZPOPMAX z 0");
    m.run(3, "BLPOP z 0");
    assert!(m.blocked(0) && m.blocked(1) && m.blocked(2) && m.blocked(3));
    m.run(4, "ZADD z 1 a 2 b 3 c 4 d");
    assert_eq!(m.out(4), ":4\r\n");
    assert_eq!(m.out(0), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
    assert_eq!(m.out(1), "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
    assert_eq!(m.out(2), "*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n");
    // The list waiter is not served by a sorted set.
    assert!(m.blocked(3));
    assert_eq!(m.out(3), "");
    m.run(4, "EXISTS z");
    assert_eq!(m.out(4), ":0\r\n");
    // A sorted set created by a STORE command wakes waiters too.
    m.run(0, "BZPOPMIN dst 0");
    m.run(4, "ZADD src 5 x");
    m.run(4, "ZUNIONSTORE dst 1 src");
    assert_eq!(m.out(4), ":1\r\n:1\r\n");
    assert_eq!(m.out(0), "*3\r\n$3\r\ndst\r\n$1\r\nx\r\n$1\r\n5\r\n");
    assert!(m.srv.unblock_client(4, false));
    assert_eq!(m.out(3), "*-1\r\n");
}

#[test]
fn blocking_timeout_and_deny_blocking() {
    let mut m = MultiClients::new(1);
    m.run(0, "BZPOPMIN z 0.02");
    assert!(m.blocked(0));
    std::thread::sleep(std::time::Duration::from_millis(30));
    m.srv.handle_blocked_clients_timeout();
    assert_eq!(m.out(0), "*-1\r\n");
    m.srv.clients.get_mut(m.tokens[0]).unwrap().deny_blocking = true;
    m.run(0, "BZPOPMAX z 0");
    assert_eq!(m.out(0), "*-1\r\n");
    m.run(0, "BZMPOP 0 1 z MIN");
    assert_eq!(m.out(0), "*-1\r\n");
}

#[test]
fn pops_propagate_their_non_blocking_form() {
    let mut t = TestServer::new();
    fn rewritten(t: &mut TestServer, cmd: &str) -> Vec<String> {
        let (_, r) = t.run_for_propagation(cmd);
        r.unwrap_or_default().into_iter().map(|a| String::from_utf8(a).unwrap()).collect()
    }
    assert!(rewritten(&mut t, "ZADD z 1 a 2 b 3 c 4 d 5 e").is_empty());
    assert!(rewritten(&mut t, "ZADD z INCR 1 a").is_empty());
    assert!(rewritten(&mut t, "ZINCRBY z 1 a").is_empty());
    assert_eq!(rewritten(&mut t, "BZPOPMIN none z 0"), ["ZPOPMIN", "z"]);
    assert_eq!(rewritten(&mut t, "BZPOPMAX z 0"), ["ZPOPMAX", "z"]);
    assert_eq!(rewritten(&mut t, "BZMPOP 0 1 z MIN COUNT 1"), ["ZPOPMIN", "z", "1"]);
    // ZMPOP propagates the count asked for, as Redis does.
    assert_eq!(rewritten(&mut t, "ZMPOP 2 none z MAX COUNT 10"), ["ZPOPMAX", "z", "10"]);
    t.check(&[("EXISTS z", ":0\r\n")]);
}
