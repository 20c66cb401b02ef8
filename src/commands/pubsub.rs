//! Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH,
//! PUBSUB; mirrors pubsub.c. The registry and delivery are in
//! `server::pubsub`; the RESP2 subscribed-context gate is in
//! `process_command`.

use super::errors::{CmdResult, ReplyError};
use super::keyspec::*;
use super::table::{acl, flag::*, Command};
use super::Ctx;
use crate::server::pubsub::{self, Kind};

const P: u32 = acl::PUBSUB;

pub const COMMANDS: &[Command] = &[
    Command::new("subscribe", -2, subscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).group("pubsub")
        .doc("2.0.0", "O(N) where N is the number of channels to subscribe to.", "Listen for messages published to the given channels")
        .args("channel..."),
    Command::new("unsubscribe", -1, unsubscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).group("pubsub")
        .doc("2.0.0", "O(N) where N is the number of clients already subscribed to a channel.", "Stop listening for messages posted to the given channels")
        .args("[channel...]"),
    Command::new("psubscribe", -2, psubscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).group("pubsub")
        .doc("2.0.0", "O(N) where N is the number of patterns the client is already subscribed to.", "Listen for messages published to channels matching the given patterns")
        .args("pattern:(pattern:pattern)..."),
    Command::new("punsubscribe", -1, punsubscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).group("pubsub")
        .doc("2.0.0", "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).", "Stop listening for messages posted to channels matching the given patterns")
        .args("[pattern:pattern...]"),
    Command::new("publish", 3, publish).flags(PUBSUB | LOADING | STALE | FAST).acl(P).group("pubsub")
        .doc("2.0.0", "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).", "Post a message to a channel")
        .args("channel message"),
    Command::new("ssubscribe", -2, ssubscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).key_specs(&[key(1, NOT_KEY).range(-1, 1, 0)]).group("pubsub")
        .doc("7.0.0", "O(N) where N is the number of shard channels to subscribe to.", "Listen for messages published to the given shard channels")
        .args("shardchannel..."),
    Command::new("sunsubscribe", -1, sunsubscribe).flags(PUBSUB | NOSCRIPT | LOADING | STALE).acl(P).key_specs(&[key(1, NOT_KEY).range(-1, 1, 0)]).group("pubsub")
        .doc("7.0.0", "O(N) where N is the number of clients already subscribed to a shard channel.", "Stop listening for messages posted to the given shard channels")
        .args("[shardchannel...]"),
    Command::new("spublish", 3, spublish).flags(PUBSUB | LOADING | STALE | FAST).acl(P).key_specs(&[key(1, NOT_KEY)]).group("pubsub")
        .doc("7.0.0", "O(N) where N is the number of clients subscribed to the receiving shard channel.", "Post a message to a shard channel")
        .args("shardchannel message"),
    Command::new("pubsub", -2, container).group("pubsub").doc("2.8.0", "Depends on subcommand.", "A container for Pub/Sub commands").subcommands(&[
        Command::new("help", 2, help).flags(LOADING | STALE).group("pubsub")
            .doc("6.2.0", "O(1)", "Show helpful text about the different subcommands"),
        Command::new("channels", -2, channels).flags(PUBSUB | LOADING | STALE).group("pubsub")
            .doc("2.8.0", "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)", "List active channels")
            .args("[pattern:pattern]"),
        Command::new("shardchannels", -2, shardchannels).flags(PUBSUB | LOADING | STALE).group("pubsub")
            .doc("7.0.0", "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).", "List active shard channels")
            .args("[pattern:pattern]"),
        Command::new("numpat", 2, numpat).flags(PUBSUB | LOADING | STALE).group("pubsub")
            .doc("2.8.0", "O(1)", "Get the count of unique patterns pattern subscriptions"),
        Command::new("numsub", -2, numsub).flags(PUBSUB | LOADING | STALE).group("pubsub")
            .doc("2.8.0", "O(N) for the NUMSUB subcommand, where N is the number of requested channels", "Get the count of subscribers for channels")
            .args("[channel...]"),
        Command::new("shardnumsub", -2, shardnumsub).flags(PUBSUB | LOADING | STALE).group("pubsub")
            .doc("7.0.0", "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels", "Get the count of subscribers for shard channels")
            .args("[shardchannel...]"),
    ]),
];

/// Commands a RESP2 client in subscribed mode may run.
pub fn allowed_in_subscribed_context(name: &str) -> bool {
    matches!(name, "ping" | "subscribe" | "ssubscribe" | "unsubscribe" | "sunsubscribe" | "psubscribe" | "punsubscribe" | "quit" | "reset")
}

/// The count a confirmation carries: channels + patterns, or shard
/// channels (type.subscriptionCount).
fn count(ctx: &Ctx, kind: Kind) -> usize {
    ctx.c.subs.as_ref().map_or(0, |s| if kind == Kind::Shard { s.shard_channels.len() } else { s.count() })
}

/// SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE: one confirmation per argument,
/// repeated names included.
fn subscribe_generic(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    if ctx.c.deny_blocking && !ctx.c.in_multi() {
        // A client that expects one reply per command (scripts) cannot
        // enter subscribed mode; MULTI is allowed for compatibility.
        return Err(ReplyError::deny_blocking_subscribe(kind.verbs().0));
    }
    for name in ctx.args_from(1) {
        pubsub::subscribe(ctx.srv, ctx.c, kind, name);
        let n = count(ctx, kind);
        pubsub::reply_confirmation(ctx.c, kind.verbs().0, Some(name), n);
    }
    Ok(())
}

/// UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE: without arguments, from
/// everything of that kind (one confirmation with a null name when there
/// was nothing).
fn unsubscribe_generic(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    let verb = kind.verbs().1;
    let names: Vec<Vec<u8>> =
        if ctx.argc() == 1 { pubsub::subscribed(ctx.c, kind) } else { ctx.args_from(1).map(|a| a.to_vec()).collect() };
    if names.is_empty() {
        let n = count(ctx, kind);
        pubsub::reply_confirmation(ctx.c, verb, None, n);
    }
    for name in &names {
        pubsub::unsubscribe(ctx.srv, ctx.c, kind, name);
        let n = count(ctx, kind);
        pubsub::reply_confirmation(ctx.c, verb, Some(name), n);
    }
    if ctx.c.subs.as_ref().is_some_and(|s| s.total() == 0) {
        ctx.c.subs = None;
    }
    Ok(())
}

/// SUBSCRIBE channel [channel ...]
pub fn subscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_generic(ctx, Kind::Channel)
}

/// UNSUBSCRIBE [channel [channel ...]]
pub fn unsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Channel)
}

/// PSUBSCRIBE pattern [pattern ...]
pub fn psubscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_generic(ctx, Kind::Pattern)
}

/// PUNSUBSCRIBE [pattern [pattern ...]]
pub fn punsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Pattern)
}

/// SSUBSCRIBE shardchannel [shardchannel ...]
pub fn ssubscribe(ctx: &mut Ctx) -> CmdResult {
    subscribe_generic(ctx, Kind::Shard)
}

/// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
pub fn sunsubscribe(ctx: &mut Ctx) -> CmdResult {
    unsubscribe_generic(ctx, Kind::Shard)
}

/// PUBLISH channel message: the number of clients that received it
/// (channel and pattern subscribers).
pub fn publish(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.publish(ctx.arg(1), ctx.arg(2), false);
    ctx.c.out.int(n as i64);
    Ok(())
}

/// SPUBLISH shardchannel message: the number of shard subscribers reached.
pub fn spublish(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.publish(ctx.arg(1), ctx.arg(2), true);
    ctx.c.out.int(n as i64);
    Ok(())
}

fn container(ctx: &mut Ctx) -> CmdResult {
    Err(super::subcommand_syntax_error(ctx))
}

/// PUBSUB HELP
fn help(ctx: &mut Ctx) -> CmdResult {
    super::reply_help(
        ctx,
        &[
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ],
    );
    Ok(())
}

fn list_channels(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    if ctx.argc() > 3 {
        return Err(super::subcommand_syntax_error(ctx));
    }
    let pattern = (ctx.argc() == 3).then(|| ctx.arg(2));
    let names = ctx.srv.pubsub.names(kind, pattern);
    ctx.c.out.array(names.len());
    for n in &names {
        ctx.c.out.bulk(n);
    }
    Ok(())
}

fn count_subscribers(ctx: &mut Ctx, kind: Kind) -> CmdResult {
    ctx.c.out.array((ctx.argc() - 2) * 2);
    for name in ctx.args_from(2) {
        let n = ctx.srv.pubsub.subscribers(kind, name);
        ctx.c.out.bulk(name);
        ctx.c.out.int(n as i64);
    }
    Ok(())
}

/// PUBSUB CHANNELS [pattern]
fn channels(ctx: &mut Ctx) -> CmdResult {
    list_channels(ctx, Kind::Channel)
}

/// PUBSUB SHARDCHANNELS [pattern]
fn shardchannels(ctx: &mut Ctx) -> CmdResult {
    list_channels(ctx, Kind::Shard)
}

/// PUBSUB NUMSUB [channel ...]
fn numsub(ctx: &mut Ctx) -> CmdResult {
    count_subscribers(ctx, Kind::Channel)
}

/// PUBSUB SHARDNUMSUB [shardchannel ...]
fn shardnumsub(ctx: &mut Ctx) -> CmdResult {
    count_subscribers(ctx, Kind::Shard)
}

/// PUBSUB NUMPAT: the number of distinct patterns subscribed to.
fn numpat(ctx: &mut Ctx) -> CmdResult {
    let n = ctx.srv.pubsub.len(Kind::Pattern);
    ctx.c.out.int(n as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::{MultiClients, TestServer};

    /// Expected bytes from redis-server 7.0.15 (scripts/oracle.py).
    #[test]
    fn resp2_subscribed_context() {
        let mut t = TestServer::new();
        t.check(&[
            ("UNSUBSCRIBE", "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n"),
            ("PUNSUBSCRIBE", "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n"),
            ("SUNSUBSCRIBE", "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n"),
            ("SUBSCRIBE a b a", "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n"),
            ("PING", "*2\r\n$4\r\npong\r\n$0\r\n\r\n"),
            ("PING x", "*2\r\n$4\r\npong\r\n$1\r\nx\r\n"),
            ("PSUBSCRIBE p*", "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n"),
            ("PUBLISH a hi", "-ERR Can't execute 'publish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("SSUBSCRIBE s1", "*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n"),
            ("SPUBLISH s1 m", "-ERR Can't execute 'spublish': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("UNSUBSCRIBE a", "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n"),
            ("UNSUBSCRIBE", "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n"),
            ("PUNSUBSCRIBE", "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:0\r\n"),
            ("GET x", "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"),
            ("SUNSUBSCRIBE", "*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns1\r\n:0\r\n"),
            ("GET x", "$-1\r\n"),
            ("PING", "+PONG\r\n"),
            ("SUBSCRIBE", "-ERR wrong number of arguments for 'subscribe' command\r\n"),
            ("PSUBSCRIBE", "-ERR wrong number of arguments for 'psubscribe' command\r\n"),
            ("SSUBSCRIBE", "-ERR wrong number of arguments for 'ssubscribe' command\r\n"),
            ("SPUBLISH a", "-ERR wrong number of arguments for 'spublish' command\r\n"),
            ("PUBLISH a", "-ERR wrong number of arguments for 'publish' command\r\n"),
        ]);
    }

    #[test]
    fn pubsub_introspection() {
        let mut t = TestServer::new();
        t.check(&[
            ("PUBSUB NUMPAT", ":0\r\n"),
            ("PUBSUB NUMSUB a b", "*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n"),
            ("PUBSUB CHANNELS", "*0\r\n"),
            ("PUBSUB SHARDNUMSUB a", "*2\r\n$1\r\na\r\n:0\r\n"),
            ("PUBSUB SHARDCHANNELS", "*0\r\n"),
            ("PUBSUB", "-ERR wrong number of arguments for 'pubsub' command\r\n"),
            ("PUBSUB HELP", "*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CHANNELS [<pattern>]\r\n+    Return the currently active channels matching a <pattern> (default: '*').\r\n+NUMPAT\r\n+    Return number of subscriptions to patterns.\r\n+NUMSUB [<channel> ...]\r\n+    Return the number of subscribers for the specified channels, excluding\r\n+    pattern subscriptions(default: no channels).\r\n+SHARDCHANNELS [<pattern>]\r\n+    Return the currently active shard level channels matching a <pattern> (default: '*').\r\n+SHARDNUMSUB [<shardchannel> ...]\r\n+    Return the number of subscribers for the specified shard level channel(s)\r\n+HELP\r\n+    Prints this help.\r\n"),
            ("PUBSUB FOO", "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n"),
            ("PUBSUB CHANNELS a b", "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n"),
            ("PUBSUB SHARDCHANNELS a b", "-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.\r\n"),
            ("PUBSUB NUMPAT x", "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"),
            ("PUBSUB NUMSUB", "*0\r\n"),
            ("PUBLISH a b", ":0\r\n"),
            ("SPUBLISH a b", ":0\r\n"),
        ]);
        let mut m = MultiClients::new(3);
        m.run(0, "SUBSCRIBE news.1 news.2 other");
        m.run(1, "SUBSCRIBE news.1");
        m.run(1, "PSUBSCRIBE news.* n*");
        m.run(2, "PSUBSCRIBE news.*");
        m.run(2, "SSUBSCRIBE shard");
        m.out(0);
        m.out(1);
        m.out(2);
        let mut t = TestServer { srv: m.srv, client: crate::net::client::Client::fake() };
        t.check(&[
            ("PUBSUB NUMPAT", ":2\r\n"),
            ("PUBSUB NUMSUB news.1 news.2 x", "*6\r\n$6\r\nnews.1\r\n:2\r\n$6\r\nnews.2\r\n:1\r\n$1\r\nx\r\n:0\r\n"),
            ("PUBSUB SHARDNUMSUB shard", "*2\r\n$5\r\nshard\r\n:1\r\n"),
            ("PUBSUB SHARDCHANNELS", "*1\r\n$5\r\nshard\r\n"),
        ]);
        let mut chans = t.text(&["PUBSUB", "CHANNELS", "news.*"]);
        assert!(chans.starts_with("*2\r\n") && chans.contains("$6\r\nnews.1\r\n") && chans.contains("$6\r\nnews.2\r\n"), "{}", chans);
        chans = t.text(&["PUBSUB", "CHANNELS"]);
        assert!(chans.starts_with("*3\r\n"), "{}", chans);
        let info = t.text(&["INFO", "stats"]);
        assert!(info.contains("pubsub_channels:3\r\npubsub_patterns:2\r\npubsubshard_channels:1\r\n"), "{}", info);
    }

    /// A subscriber by channel and by two patterns gets the message three
    /// times, pattern messages carrying the pattern; counts add up.
    #[test]
    fn delivery_to_channels_and_patterns() {
        let mut m = MultiClients::new(3);
        m.run(0, "SUBSCRIBE a");
        m.run(0, "PSUBSCRIBE a* *");
        m.run(1, "PSUBSCRIBE b*");
        m.out(0);
        m.out(1);
        m.check(&[(2, "PUBLISH a hi", ":3\r\n"), (2, "PUBLISH b x", ":2\r\n"), (2, "PUBLISH c y", ":1\r\n")]);
        let got = m.out(0);
        assert!(got.starts_with("*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n"), "{}", got);
        assert!(got.contains("*4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n"), "{}", got);
        assert!(got.contains("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\na\r\n$2\r\nhi\r\n"), "{}", got);
        assert!(got.ends_with("*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$1\r\nc\r\n$1\r\ny\r\n"), "{}", got);
        assert_eq!(m.out(1), "*4\r\n$8\r\npmessage\r\n$2\r\nb*\r\n$1\r\nb\r\n$1\r\nx\r\n");
        // Shard channels are a separate namespace, without patterns.
        m.run(1, "SSUBSCRIBE a");
        m.out(1);
        m.check(&[(2, "SPUBLISH a s", ":1\r\n")]);
        assert_eq!(m.out(1), "*3\r\n$8\r\nsmessage\r\n$1\r\na\r\n$1\r\ns\r\n");
        assert_eq!(m.out(0), "");
    }

    /// RESP3: pushes, any command allowed, and a client publishing to
    /// itself gets its pushes before the reply (redis-server 7.0.15).
    #[test]
    fn resp3_subscriber_publishing_to_itself() {
        let mut t = TestServer::new();
        t.run(&["HELLO", "3"]);
        t.check(&[
            ("SUBSCRIBE a", ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"),
            ("PSUBSCRIBE a*", ">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n"),
            ("PING", "+PONG\r\n"),
            (
                "PUBLISH a hi",
                ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n>4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$2\r\nhi\r\n:2\r\n",
            ),
            ("UNSUBSCRIBE", ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n"),
            ("PUNSUBSCRIBE", ">3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n"),
        ]);
    }

    /// Disconnection and RESET drop every subscription.
    #[test]
    fn reset_and_client_list_fields() {
        let mut m = MultiClients::new(2);
        m.run(0, "SUBSCRIBE a b");
        m.run(0, "PSUBSCRIBE p*");
        m.run(0, "SSUBSCRIBE s");
        m.out(0);
        let list = m.call(1, "CLIENT LIST");
        assert!(list.contains("flags=P db=0 sub=2 psub=1 ssub=1 multi=-1"), "{}", list);
        assert!(m.call(1, "CLIENT LIST TYPE pubsub").contains("id=1 "));
        m.check(&[(0, "RESET", "+RESET\r\n"), (1, "PUBLISH a x", ":0\r\n"), (1, "PUBSUB NUMPAT", ":0\r\n")]);
        let list = m.call(1, "CLIENT LIST");
        assert!(list.contains("flags=N db=0 sub=0 psub=0 ssub=0 multi=-1"), "{}", list);
    }
}
