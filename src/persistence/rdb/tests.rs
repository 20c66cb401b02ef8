//! RDB encode/decode tests: length and string encodings, every value
//! encoding round trip, old formats (ziplist, zipmap, quicklist), files
//! written by redis-server 7.0.15, and a loader fuzz test.

use super::*;
use crate::config::Config;
use crate::types::value::Value;
use crate::util::rand::TestRng;

fn cfg() -> LoadConfig {
    let mut c = LoadConfig::from_config(&Config::default(), crate::server::unix_ms());
    c.set_max_intset_entries = 512;
    c.list_max_listpack_size = -2;
    c.checksum = true;
    c.log_aux = false;
    c
}

fn enc_len(n: u64) -> Vec<u8> {
    let mut e = Encoder::new(true);
    e.save_len(n);
    e.buf
}

#[test]
fn length_encodings() {
    let cases: &[(u64, &[u8])] = &[
        (0, b"\x00"),
        (63, b"\x3f"),
        (64, b"\x40\x40"),
        (16383, b"\x7f\xff"),
        (16384, b"\x80\x00\x00\x40\x00"),
        (u32::MAX as u64, b"\x80\xff\xff\xff\xff"),
        (u32::MAX as u64 + 1, b"\x81\x00\x00\x00\x01\x00\x00\x00\x00"),
    ];
    for (n, bytes) in cases {
        assert_eq!(enc_len(*n), *bytes, "encoding {}", n);
        let mut rd = Reader::new(*bytes);
        assert_eq!(rd.read_len().unwrap(), *n);
        assert_eq!(rd.offset(), bytes.len() as u64);
    }
    // 0x82..0xBF are not valid length prefixes.
    let mut rd = Reader::new(&b"\x82"[..]);
    assert_eq!(rd.read_len().unwrap_err().kind, LoadErrorKind::Corrupt);
}

#[test]
fn string_encodings_match_redis() {
    let enc = |s: &[u8], compress: bool| {
        let mut e = Encoder::new(compress);
        e.save_string(s);
        e.buf
    };
    // rdbTryIntegerEncoding: canonical integers up to 32 bits.
    assert_eq!(enc(b"64", true), b"\xc0\x40");
    assert_eq!(enc(b"-128", true), b"\xc0\x80");
    assert_eq!(enc(b"12345", true), b"\xc1\x39\x30");
    assert_eq!(enc(b"2147483647", true), b"\xc2\xff\xff\xff\x7f");
    assert_eq!(enc(b"2147483648", true), b"\x0a2147483648");
    assert_eq!(enc(b"007", true), b"\x03007");
    assert_eq!(enc(b"hello", true), b"\x05hello");
    // LZF over 20 bytes when it saves 4 (as in Redis's dump above).
    let a66 = vec![b'a'; 66];
    assert_eq!(enc(&a66, true), b"\xc3\x09\x40\x42\x01\x61\x61\xe0\x35\x00\x01\x61\x61");
    assert_eq!(enc(&a66, false)[..2], *b"\x40\x42");
    for s in [&b"64"[..], b"-128", b"12345", b"2147483647", b"2147483648", b"007", b"", &a66] {
        for compress in [true, false] {
            let bytes = enc(s, compress);
            let mut rd = Reader::new(&bytes[..]);
            assert_eq!(rd.string().unwrap(), s);
        }
    }
    // Integers beyond 32 bits are written as text.
    let mut e = Encoder::new(true);
    e.save_i64(i64::MIN);
    assert_eq!(e.buf, b"\x14-9223372036854775808");
}

/// Encodes `v` as a DUMP payload and decodes it back.
fn round_trip(v: &Value) -> Value {
    let p = dump_payload(v);
    assert!(verify_dump_payload(&p).is_some());
    load_dump_payload(&p, &cfg(), &mut LoadStats::default()).unwrap().unwrap()
}

fn list_of(items: &[Vec<u8>]) -> Value {
    let mut l = List::new(-2, 0);
    for i in items {
        l.push(End::Tail, i);
    }
    Value::List(Box::new(l))
}

fn set_of(items: &[Vec<u8>]) -> Value {
    let mut s = Set::new();
    for i in items {
        s.add(i, 512);
    }
    Value::Set(Box::new(s))
}

fn list_items(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::List(l) => l.iter().map(|e| e.to_vec()).collect(),
        _ => panic!("not a list: {:?}", v),
    }
}

fn set_items(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::Set(s) => {
            let mut m: Vec<Vec<u8>> = s.iter().map(|m| m.to_vec()).collect();
            m.sort();
            m
        }
        _ => panic!("not a set: {:?}", v),
    }
}

#[test]
fn every_value_encoding_round_trips() {
    // Strings: int, embstr, raw, compressible, binary.
    let long: Vec<u8> = (0..10_000).map(|i| (i % 7) as u8 + b'a').collect();
    let binary: Vec<u8> = (0..=255u8).collect();
    for s in [&b"12"[..], b"-9223372036854775808", b"hello", b"0123", &[b'x'; 45], &long, &binary, b""] {
        let v = Value::from_bytes(s);
        let back = round_trip(&v);
        let (mut b1, mut b2) = ([0u8; 20], [0u8; 20]);
        assert_eq!(back.string_bytes(&mut b1).unwrap(), v.string_bytes(&mut b2).unwrap());
        assert_eq!(back.encoding(), v.encoding(), "{:?}", String::from_utf8_lossy(s));
    }
    // Lists: one node, many nodes, integers and big elements.
    let small: Vec<Vec<u8>> = vec![b"a".to_vec(), b"1".to_vec(), b"-5".to_vec(), vec![b'z'; 100]];
    let many: Vec<Vec<u8>> = (0..5000).map(|i| format!("element-{}", i).into_bytes()).collect();
    let big: Vec<Vec<u8>> = (0..5).map(|i| vec![b'a' + i; 20_000]).collect();
    for items in [&small, &many, &big] {
        let v = list_of(items);
        let back = round_trip(&v);
        assert_eq!(list_items(&back), *items);
        if let (Value::List(a), Value::List(b)) = (&v, &back) {
            assert_eq!(a.node_count(), b.node_count(), "nodes are kept as written");
        }
    }
    // Sets: intset (16, 32, 64-bit), hashtable.
    let ints16: Vec<Vec<u8>> = (0..100).map(|i| i.to_string().into_bytes()).collect();
    let ints64: Vec<Vec<u8>> = vec![b"1".to_vec(), i64::MAX.to_string().into_bytes(), i64::MIN.to_string().into_bytes()];
    let strs: Vec<Vec<u8>> = (0..1000).map(|i| format!("m{}", i).into_bytes()).collect();
    let big_ints: Vec<Vec<u8>> = (0..1000).map(|i| (i * 1000).to_string().into_bytes()).collect();
    for items in [&ints16, &ints64, &strs, &big_ints] {
        let v = set_of(items);
        let back = round_trip(&v);
        let mut want = items.clone();
        want.sort();
        assert_eq!(set_items(&back), want);
        assert_eq!(back.encoding(), v.encoding());
    }
}

#[test]
fn intset_payload_of_more_than_the_limit_becomes_a_hashtable() {
    let items: Vec<Vec<u8>> = (0..100).map(|i| i.to_string().into_bytes()).collect();
    let p = dump_payload(&set_of(&items));
    let mut c = cfg();
    c.set_max_intset_entries = 10;
    let v = load_dump_payload(&p, &c, &mut LoadStats::default()).unwrap().unwrap();
    assert_eq!(v.encoding(), "hashtable");
    assert_eq!(set_items(&v).len(), 100);
}

#[test]
fn dump_payloads_are_verified() {
    let p = dump_payload(&Value::from_bytes(b"hello"));
    // What redis-server 7.0.15 replies to DUMP of "hello".
    assert_eq!(p, b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a");
    let mut bad = p.clone();
    bad[3] ^= 1;
    assert!(verify_dump_payload(&bad).is_none());
    let mut future = p.clone();
    future[7] = 12; // RDB version 12
    assert!(verify_dump_payload(&future).is_none());
    assert!(verify_dump_payload(b"short").is_none());
    // A list dumped by redis-server 7.0.15 (RPUSH l a b 1 2).
    let redis_list = b"\x12\x01\x02\x11\x11\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x01\x01\x02\x01\xff\n\x00mrq>\x9bCH+";
    assert!(verify_dump_payload(redis_list).is_some());
    let v = load_dump_payload(redis_list, &cfg(), &mut LoadStats::default()).unwrap().unwrap();
    assert_eq!(list_items(&v), vec![b"a".to_vec(), b"b".to_vec(), b"1".to_vec(), b"2".to_vec()]);
    assert_eq!(dump_payload(&v), redis_list.to_vec(), "and we dump it identically");
}

/// A ziplist of `items` (strings < 64 bytes, small integers).
fn ziplist(items: &[LpValue]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev = 0usize;
    let mut last = 10usize;
    for it in items {
        let start = body.len();
        last = 10 + start;
        body.push(prev as u8);
        match it {
            LpValue::Str(s) => {
                body.push(s.len() as u8);
                body.extend_from_slice(s);
            }
            LpValue::Int(n) if (0..=12).contains(n) => body.push(0xF1 + *n as u8),
            LpValue::Int(n) => {
                body.push(0xC0);
                body.extend_from_slice(&(*n as i16).to_le_bytes());
            }
        }
        prev = body.len() - start;
    }
    let total = 10 + body.len() + 1;
    let mut zl = Vec::new();
    zl.extend_from_slice(&(total as u32).to_le_bytes());
    zl.extend_from_slice(&(last as u32).to_le_bytes());
    zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xFF);
    zl
}

/// A complete RDB file of version `ver` around `body` (keys of db 0).
fn file(ver: u16, body: &[u8]) -> Vec<u8> {
    let mut f = format!("REDIS{:04}", ver).into_bytes();
    f.extend_from_slice(&[op::SELECTDB, 0]);
    f.extend_from_slice(body);
    f.push(op::EOF);
    if ver >= 5 {
        let crc = crc64(0, &f);
        f.extend_from_slice(&crc.to_le_bytes());
    }
    f
}

fn load(f: &[u8]) -> Result<(Vec<Db>, LoadStats), LoadError> {
    load_with(f, &cfg())
}

fn load_with(f: &[u8], cfg: &LoadConfig) -> Result<(Vec<Db>, LoadStats), LoadError> {
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    let stats = load_snapshot(f, &mut dbs, cfg)?;
    Ok((dbs, stats))
}

fn load_err(f: &[u8]) -> LoadError {
    load_err_with(f, &cfg())
}

fn load_err_with(f: &[u8], cfg: &LoadConfig) -> LoadError {
    match load_with(f, cfg) {
        Ok(_) => panic!("loaded a bad file"),
        Err(e) => e,
    }
}

fn with_string(mut v: Vec<u8>, s: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new(false);
    e.save_string(s);
    v.extend_from_slice(&e.buf);
    v
}

#[test]
fn old_list_and_set_formats_load() {
    let zl = ziplist(&[LpValue::Str(b"a"), LpValue::Int(7), LpValue::Int(1000), LpValue::Str(b"hello")]);
    let want = vec![b"a".to_vec(), b"7".to_vec(), b"1000".to_vec(), b"hello".to_vec()];
    assert_eq!(ziplist_entries(&zl).unwrap().len(), 4);
    // Type 10: a list as one ziplist (Redis 2.6-3.0), version 6.
    let body = with_string(with_string(vec![ty::LIST_ZIPLIST], b"zl"), &zl);
    let (dbs, _) = load(&file(6, &body)).unwrap();
    assert_eq!(list_items(dbs[0].dict.get(b"zl").unwrap()), want);
    // Type 14: quicklist of ziplists (3.2-6.2), two nodes.
    let mut body = with_string(vec![ty::LIST_QUICKLIST], b"ql");
    body.push(2);
    body = with_string(body, &zl);
    body = with_string(body, &zl);
    let (dbs, _) = load(&file(9, &body)).unwrap();
    let l = dbs[0].dict.get(b"ql").unwrap();
    assert_eq!(list_items(l), [want.clone(), want.clone()].concat());
    // Type 1: plain list, version 1 (no checksum).
    let mut body = with_string(vec![ty::LIST], b"pl");
    body.push(2);
    body = with_string(with_string(body, b"x"), b"y");
    let (dbs, _) = load(&file(1, &body)).unwrap();
    assert_eq!(list_items(dbs[0].dict.get(b"pl").unwrap()), vec![b"x".to_vec(), b"y".to_vec()]);
    // Type 20: a set listpack (7.2), version 11.
    let lp = Listpack::from_items(&["a", "5", "b"]);
    let body = with_string(with_string(vec![ty::SET_LISTPACK], b"sl"), lp.bytes());
    let (dbs, _) = load(&file(11, &body)).unwrap();
    assert_eq!(set_items(dbs[0].dict.get(b"sl").unwrap()), vec![b"5".to_vec(), b"a".to_vec(), b"b".to_vec()]);
    // A ziplist that lies about its size is refused.
    let mut bad = zl.clone();
    bad[0] += 1;
    assert!(ziplist_entries(&bad).is_none());
    let body = with_string(with_string(vec![ty::LIST_ZIPLIST], b"zl"), &bad);
    let e = load_err(&file(6, &body));
    assert_eq!(e.reason, "List ziplist integrity check failed.");
}

/// (field, value) pairs of a loaded hash, sorted.
fn hash_items(v: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    let Value::Hash(h) = v else { panic!("not a hash") };
    let (mut fb, mut vb) = ([0u8; 20], [0u8; 20]);
    let mut items: Vec<_> = h.iter().map(|(f, v)| (f.as_bytes(&mut fb).to_vec(), v.as_bytes(&mut vb).to_vec())).collect();
    items.sort();
    items
}

/// (member, score) pairs of a loaded sorted set, in rank order.
fn zset_items(v: &Value) -> Vec<(Vec<u8>, f64)> {
    let Value::ZSet(z) = v else { panic!("not a zset") };
    z.iter().map(|(m, s)| (m.to_vec(), s)).collect()
}

#[test]
fn hashes_and_zsets_load_from_every_encoding() {
    // Zipmap: {f: v, g: vv}.
    let zm = b"\x02\x01f\x01\x00v\x01g\x02\x00vv\xff";
    assert_eq!(zipmap_pairs(zm).unwrap(), vec![(b"f".to_vec(), b"v".to_vec()), (b"g".to_vec(), b"vv".to_vec())]);
    assert!(zipmap_pairs(b"\x02\x01f\x01\x00v\xff").is_none(), "count mismatch");
    let fv = vec![(b"f".to_vec(), b"v".to_vec())];
    let hashes: Vec<(u8, Vec<u8>)> = vec![
        (ty::HASH_ZIPMAP, b"\x01\x01f\x01\x00v\xff".to_vec()),
        (ty::HASH_ZIPLIST, ziplist(&[LpValue::Str(b"f"), LpValue::Str(b"v")])),
        (ty::HASH_LISTPACK, Listpack::from_items(&["f", "v"]).into_bytes()),
    ];
    for (t, blob) in hashes {
        let body = with_string(with_string(vec![t], b"k"), &blob);
        let (dbs, _) = load(&file(10, &body)).unwrap();
        let v = dbs[0].dict.get(b"k").unwrap();
        assert_eq!(hash_items(v), fv, "type {}", t);
        assert_eq!(v.encoding(), "listpack", "type {}", t);
    }
    let zsets: Vec<(u8, Vec<u8>)> = vec![
        (ty::ZSET_ZIPLIST, ziplist(&[LpValue::Str(b"m"), LpValue::Str(b"1.5")])),
        (ty::ZSET_LISTPACK, Listpack::from_items(&["m", "1.5"]).into_bytes()),
    ];
    for (t, blob) in zsets {
        let body = with_string(with_string(vec![t], b"z"), &blob);
        let (dbs, _) = load(&file(10, &body)).unwrap();
        assert_eq!(zset_items(dbs[0].dict.get(b"z").unwrap()), vec![(b"m".to_vec(), 1.5)], "type {}", t);
    }
    // An odd count is always refused; a repeated field or member only
    // with the deep checks of sanitize-dump-payload, except in a ziplist
    // (converted entry by entry, which Redis always checks).
    let odd = Listpack::from_items(&["m", "2", "n"]).into_bytes();
    let repeats: Vec<(u8, Vec<u8>, &str)> = vec![
        (ty::HASH_LISTPACK, Listpack::from_items(&["f", "v", "f", "w"]).into_bytes(), "Hash listpack integrity check failed."),
        (ty::ZSET_LISTPACK, Listpack::from_items(&["a", "1", "b", "2", "a", "3"]).into_bytes(), "Zset listpack integrity check failed."),
    ];
    let mut deep = cfg();
    deep.deep_sanitize = true;
    for (t, blob, reason) in &repeats {
        let body = with_string(with_string(vec![*t], b"k"), blob);
        assert_eq!(load_err_with(&file(10, &body), &deep).reason, *reason, "type {}", t);
        let (dbs, _) = load(&file(10, &body)).expect("loads without the deep checks, as in Redis");
        assert_eq!(dbs[0].dict.get(b"k").unwrap().encoding(), "listpack");
    }
    for c in [&cfg(), &deep] {
        let body = with_string(with_string(vec![ty::ZSET_LISTPACK], b"k"), &odd);
        assert_eq!(load_err_with(&file(10, &body), c).reason, "Zset listpack integrity check failed.");
        let zl = ziplist(&[LpValue::Str(b"f"), LpValue::Str(b"v"), LpValue::Str(b"f"), LpValue::Str(b"w")]);
        let body = with_string(with_string(vec![ty::HASH_ZIPLIST], b"k"), &zl);
        assert_eq!(load_err_with(&file(10, &body), c).reason, "Hash listpack integrity check failed.");
    }
    // Neither Redis nor we look at a listpack's scores or their order:
    // such a set loads, and reads as the listpack holds it (an unparsable
    // score reads as 0).
    let body = with_string(with_string(vec![ty::ZSET_LISTPACK], b"k"), Listpack::from_items(&["b", "2", "a", "x"]).bytes());
    let (dbs, _) = load_with(&file(10, &body), &deep).unwrap();
    assert_eq!(zset_items(dbs[0].dict.get(b"k").unwrap()), vec![(b"b".to_vec(), 2.0), (b"a".to_vec(), 0.0)]);
    // Pairs forms: ZSET (3, text scores) and its NaN check.
    let body = [with_string(vec![ty::ZSET], b"z"), b"\x01\x01m\x031.5".to_vec()].concat();
    let (dbs, _) = load(&file(6, &body)).unwrap();
    assert_eq!(zset_items(dbs[0].dict.get(b"z").unwrap()), vec![(b"m".to_vec(), 1.5)]);
    let body = [with_string(vec![ty::ZSET], b"z"), b"\x01\x01m\xfd".to_vec()].concat();
    assert_eq!(load_err(&file(6, &body)).reason, "Zset with NAN score detected");
    // Streams are refused by name.
    let body = with_string(vec![ty::STREAM_LISTPACKS], b"s");
    assert_eq!(load_err(&file(10, &body)).reason, "Stream values are not supported yet by ferrodis");
}

#[test]
fn hashes_and_zsets_round_trip_in_both_encodings() {
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    let small = Hash::from_pairs([("a", "1"), ("b", "two")], 128, 64);
    // 600 fields: past the default hash-max-listpack-entries (512) the load
    // uses, so it stays a hashtable (a smaller one would load as a listpack,
    // as Redis loads it).
    let big = Hash::from_pairs((0..600).map(|i| (format!("f{}", i), format!("v{}", i))), 128, 64);
    dbs[0].add(b"hs", Value::Hash(Box::new(small)));
    dbs[0].add(b"hb", Value::Hash(Box::new(big)));
    let limits = crate::types::zset::Limits { entries: 128, value: 64 };
    let zs = ZSet::from_pairs([("x", 1.0), ("y", -2.5)], limits);
    let zb = ZSet::from_pairs((0..300).map(|i| (format!("m{}", i), i as f64 * 0.5)), limits);
    dbs[0].add(b"zs", Value::ZSet(Box::new(zs)));
    dbs[0].add(b"zb", Value::ZSet(Box::new(zb)));
    let bytes = snapshot(&dbs, true, true);
    let (back, _) = load(&bytes).unwrap();
    for k in [&b"hs"[..], b"hb"] {
        let (a, b) = (dbs[0].dict.get(k).unwrap(), back[0].dict.get(k).unwrap());
        assert_eq!(hash_items(a), hash_items(b));
        assert_eq!(a.encoding(), b.encoding());
    }
    for k in [&b"zs"[..], b"zb"] {
        let (a, b) = (dbs[0].dict.get(k).unwrap(), back[0].dict.get(k).unwrap());
        assert_eq!(zset_items(a), zset_items(b));
        assert_eq!(a.encoding(), b.encoding());
    }
    assert_eq!(back[0].dict.get(b"hb").unwrap().encoding(), "hashtable");
    assert_eq!(back[0].dict.get(b"zb").unwrap().encoding(), "skiplist");
}

fn sample_dbs() -> Vec<Db> {
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    let now = crate::server::unix_ms();
    for i in 0..200 {
        dbs[0].add(format!("int:{}", i).as_bytes(), Value::Int(i * 1_000_003));
        dbs[0].add(format!("str:{}", i).as_bytes(), Value::from_bytes(format!("value-{}-{}", i, "x".repeat(i as usize)).as_bytes()));
    }
    for i in 0..50 {
        let k = format!("ttl:{}", i);
        dbs[0].add(k.as_bytes(), Value::from_bytes(b"v"));
        dbs[0].set_expire(k.as_bytes(), now + 100_000 + i);
    }
    dbs[2].add(b"list", list_of(&(0..1000).map(|i| format!("e{}", i).into_bytes()).collect::<Vec<_>>()));
    dbs[2].add(b"iset", set_of(&(0..50).map(|i| (i * 7).to_string().into_bytes()).collect::<Vec<_>>()));
    dbs[2].add(b"hset", set_of(&(0..50).map(|i| format!("m{}", i).into_bytes()).collect::<Vec<_>>()));
    dbs[15].add(b"last", Value::from_bytes(b"db15"));
    dbs
}

fn snapshot(dbs: &[Db], compress: bool, checksum: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let info = SnapshotInfo { ctime: 1_700_000_000, used_mem: 1_000_000, compress, checksum, incremental_fsync: false };
    write_snapshot(&mut out, dbs, &info).unwrap();
    out
}

#[test]
fn snapshot_round_trip_keeps_every_key_value_and_ttl() {
    let dbs = sample_dbs();
    for (compress, checksum) in [(true, true), (false, true), (true, false)] {
        let f = snapshot(&dbs, compress, checksum);
        assert_eq!(&f[..9], b"REDIS0010");
        let (loaded, stats) = load(&f).unwrap();
        assert_eq!(stats.keys_loaded, dbs.iter().map(|d| d.len() as u64).sum::<u64>());
        for (a, b) in dbs.iter().zip(&loaded) {
            assert_eq!(a.len(), b.len());
            for (k, v) in a.dict.iter() {
                let w = b.dict.get(k.as_bytes()).unwrap();
                assert_eq!(w.type_name(), v.type_name());
                assert_eq!(w.encoding(), v.encoding());
                assert_eq!(b.expire_of(k.as_bytes()), a.expire_of(k.as_bytes()));
                let enc = |x: &Value| dump_payload(x);
                if !matches!(v, Value::Set(s) if s.encoding() == "hashtable") {
                    assert_eq!(enc(v), enc(w), "key {:?}", k);
                } else {
                    assert_eq!(set_items(v), set_items(w));
                }
            }
        }
    }
}

/// A source that hands out at most 7 bytes per read, so every read of
/// the reader meets a buffer edge somewhere.
struct Trickle<'a>(&'a [u8]);
impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(7).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn reads_across_buffer_edges_keep_bytes_offsets_and_crc() {
    // Strings shorter and longer than the buffer, compressed and not.
    let mut dbs = sample_dbs();
    let noise: Vec<u8> = (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    dbs[1].add(b"noise", Value::from_bytes(&noise));
    dbs[1].add(b"repeats", Value::from_bytes(&b"abcdefgh".repeat(30_000)));
    let f = snapshot(&dbs, true, true);
    let mut loaded: Vec<Db> = (0..16).map(Db::new).collect();
    load_snapshot(Trickle(&f), &mut loaded, &cfg()).expect("the CRC matches too");
    for (a, b) in dbs.iter().zip(&loaded) {
        assert_eq!(a.len(), b.len());
        for (k, v) in a.dict.iter() {
            let w = b.dict.get(k.as_bytes()).unwrap();
            if matches!(v, Value::Set(s) if s.encoding() == "hashtable") {
                assert_eq!(set_items(v), set_items(w));
            } else {
                assert_eq!(dump_payload(v), dump_payload(w), "key {:?}", k);
            }
        }
    }
    // The same strings through the smallest buffer, one at a time.
    let strings: Vec<Vec<u8>> = vec![b"x".to_vec(), noise.clone(), b"y".repeat(40), b"abcdefgh".repeat(300), Vec::new()];
    let mut e = Encoder::new(true);
    for st in &strings {
        e.save_string(st);
    }
    let mut rd = Reader::with_capacity(Trickle(&e.buf), 16);
    for st in &strings {
        assert_eq!(&rd.string().unwrap(), st);
    }
    assert_eq!(rd.offset(), e.buf.len() as u64);
    assert_eq!(rd.crc(), crc64(0, &e.buf));
    assert_eq!(rd.u8().unwrap_err().kind, LoadErrorKind::Eof);
}

#[test]
fn expired_keys_are_not_loaded_and_checksums_are_checked() {
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    dbs[0].add(b"gone", Value::Int(1));
    dbs[0].set_expire(b"gone", 1000);
    dbs[0].add(b"kept", Value::Int(2));
    let f = snapshot(&dbs, true, true);
    let (loaded, stats) = load(&f).unwrap();
    assert_eq!((stats.keys_loaded, stats.keys_expired), (1, 1));
    assert!(loaded[0].dict.get(b"gone").is_none());
    // A flipped bit in a value: the CRC catches it.
    let mut bad = f.clone();
    // The value of "kept" (c0 02): its integer byte.
    let pos = bad.windows(4).position(|w| w == b"kept").unwrap() + 5;
    bad[pos] ^= 0x01;
    let e = load_err(&bad);
    assert_eq!(e.reason, "RDB CRC error");
    assert!(e.report().starts_with("Internal error in RDB reading offset "));
    // Files saved with rdbchecksum no carry a zero CRC: not checked.
    let f0 = snapshot(&dbs, true, false);
    assert_eq!(&f0[f0.len() - 8..], &[0u8; 8]);
    assert!(load(&f0).is_ok());
    // Truncation anywhere is an EOF error, never a panic.
    for cut in 0..f.len() {
        assert!(load(&f[..cut]).is_err(), "cut at {}", cut);
    }
    // Signature, version.
    assert_eq!(load_err(b"REDIX0010").reason, "Wrong signature trying to load DB from file");
    assert_eq!(load_err(b"REDIS0012\xff").reason, "Can't handle RDB format version 12");
    // Too many databases.
    let e = load_err(&[&b"REDIS0010\xfe\x20"[..]].concat());
    assert!(e.reason.starts_with("FATAL: Data file was created with a Redis server configured to handle more than 16 databases"));
}

#[test]
fn duplicate_keys_are_corruption() {
    let body = [with_string(with_string(vec![0], b"k"), b"v"), with_string(with_string(vec![0], b"k"), b"w")].concat();
    let e = load_err(&file(10, &body));
    assert_eq!(e.reason, "RDB has duplicated key 'k' in DB 0");
}

#[test]
fn a_file_written_by_redis_7_0_15_loads() {
    // SET s hello; SET n 12345; RPUSH l a b 1 2; SADD si 1 2 3;
    // SET long <66 x a>; SAVE -- from redis-server 7.0.15 (hash and zset
    // keys removed from the original session).
    let mut f = b"REDIS0010\xfa\x09redis-ver\x067.0.15\xfa\x0aredis-bits\xc0\x40\xfa\x05ctime\xc2\xd5\x17\x05\x6b\xfa\x08used-mem\xc2\x50\xd9\x0f\x00\xfa\x08aof-base\xc0\x00\xfe\x00\xfb\x05\x00\x00\x01n\xc1\x39\x30\x12\x01l\x01\x02\x11\x11\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x01\x01\x02\x01\xff\x0b\x02si\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\x00\x01s\x05hello\x00\x04long\xc3\x09\x40\x42\x01\x61\x61\xe0\x35\x00\x01\x61\x61\xff".to_vec();
    let crc = crc64(0, &f);
    f.extend_from_slice(&crc.to_le_bytes());
    let (dbs, stats) = load(&f).unwrap();
    assert_eq!(stats.keys_loaded, 5);
    let d = &dbs[0];
    assert_eq!(d.dict.get(b"n").unwrap().encoding(), "int");
    assert_eq!(list_items(d.dict.get(b"l").unwrap()).len(), 4);
    assert_eq!(d.dict.get(b"si").unwrap().encoding(), "intset");
    let mut b = [0u8; 20];
    assert_eq!(d.dict.get(b"s").unwrap().string_bytes(&mut b).unwrap(), b"hello");
    assert_eq!(d.dict.get(b"long").unwrap().string_len(), Some(66));
    // And we write these keys exactly as Redis did.
    let mut e = Encoder::new(true);
    e.save_object(d.dict.get(b"long").unwrap());
    assert_eq!(e.buf, b"\x00\xc3\x09\x40\x42\x01\x61\x61\xe0\x35\x00\x01\x61\x61");
}

#[test]
fn fuzzed_files_never_panic_and_fail_cleanly() {
    // Small but varied: every encoding the loader has, and old formats.
    let mut dbs: Vec<Db> = (0..16).map(Db::new).collect();
    dbs[0].add(b"i", Value::Int(-77));
    dbs[0].add(b"s", Value::from_bytes(&[b'q'; 60]));
    dbs[0].set_expire(b"s", crate::server::unix_ms() + 1_000_000);
    dbs[1].add(b"l", list_of(&(0..40).map(|i| format!("{}", i * 3)).map(String::into_bytes).collect::<Vec<_>>()));
    dbs[1].add(b"is", set_of(&(0..10).map(|i| i.to_string().into_bytes()).collect::<Vec<_>>()));
    dbs[1].add(b"hs", set_of(&[b"a".to_vec(), b"b".to_vec()]));
    let modern = snapshot(&dbs, true, true);
    let zl = ziplist(&[LpValue::Str(b"a"), LpValue::Int(300), LpValue::Int(3)]);
    let old = file(7, &with_string(with_string(vec![ty::LIST_ZIPLIST], b"z"), &zl));
    let mut rng = TestRng(0x9e3779b97f4a7c15);
    let mut c = cfg();
    let mut outcomes = [0usize; 2];
    for round in 0..6000 {
        let base = if round % 3 == 0 { &old } else { &modern };
        let mut f = base.clone();
        for _ in 0..1 + rng.below(4) {
            if f.is_empty() {
                break;
            }
            match rng.below(5) {
                0 => {
                    let i = rng.below(f.len());
                    f[i] = rng.next() as u8;
                }
                1 => {
                    let i = rng.below(f.len());
                    f[i] ^= 1 << rng.below(8);
                }
                2 => f.truncate(rng.below(f.len())),
                3 => {
                    let i = rng.below(f.len());
                    f.insert(i, rng.next() as u8);
                }
                _ => {
                    // A length byte that claims a huge size.
                    let i = rng.below(f.len());
                    f[i] = [0x80, 0x81, 0xbf, 0xc3][rng.below(4)];
                }
            }
        }
        // Half the rounds skip the CRC so corruptions reach the decoders.
        c.checksum = round % 2 == 0;
        let mut fresh: Vec<Db> = (0..16).map(Db::new).collect();
        match load_snapshot(&f[..], &mut fresh, &c) {
            Ok(_) => outcomes[0] += 1,
            Err(e) => {
                assert!(!e.reason.is_empty());
                assert!(e.offset <= f.len() as u64, "offset {} past the end {}", e.offset, f.len());
                outcomes[1] += 1;
            }
        }
        // Payload fuzzing goes through RESTORE's path too.
        let p = &f[..f.len().min(64)];
        let _ = load_dump_payload(p, &c, &mut LoadStats::default());
    }
    assert!(outcomes[1] > 3000, "most corruptions must be detected: {:?}", outcomes);
}
