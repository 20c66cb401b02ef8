//! The Pub/Sub registry and message delivery: channel → subscribers,
//! pattern → subscribers, shard channel → subscribers, and the output
//! buffer limits that keep a slow subscriber from eating the server's
//! memory; mirrors pubsub.c and checkClientOutputBufferLimits in
//! networking.c.
//!
//! Subscribers are client tokens (slab indexes). Delivery appends to the
//! subscriber's reply buffer through `srv.clients` and queues the token in
//! `pending_writes`. The client whose command is running is out of the slab
//! (a RESP3 client may publish to itself, or fire a keyspace event it is
//! subscribed to): its messages wait in `deferred` and `call()` splices them
//! in front of the command's reply, where Redis would have written them.

use super::Server;
use crate::net::client::Client;
use crate::util::glob::glob_match;
use std::collections::HashMap;
use std::time::Instant;

/// Which namespace a subscription lives in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl Kind {
    /// The confirmation verbs sent to the subscriber.
    pub fn verbs(self) -> (&'static str, &'static str) {
        match self {
            Kind::Channel => ("subscribe", "unsubscribe"),
            Kind::Pattern => ("psubscribe", "punsubscribe"),
            Kind::Shard => ("ssubscribe", "sunsubscribe"),
        }
    }
}

/// A message for a client that was out of the slab when it was published.
pub struct Deferred {
    pub token: usize,
    /// "message"/"smessage" (3 parts) or "pmessage" (4 parts).
    pub parts: Vec<Vec<u8>>,
}

#[derive(Default)]
pub struct PubSub {
    /// Channel -> subscriber tokens, in subscription order.
    channels: HashMap<Vec<u8>, Vec<usize>>,
    patterns: HashMap<Vec<u8>, Vec<usize>>,
    shard: HashMap<Vec<u8>, Vec<usize>>,
    pub deferred: Vec<Deferred>,
}

impl PubSub {
    fn map(&self, kind: Kind) -> &HashMap<Vec<u8>, Vec<usize>> {
        match kind {
            Kind::Channel => &self.channels,
            Kind::Pattern => &self.patterns,
            Kind::Shard => &self.shard,
        }
    }

    fn map_mut(&mut self, kind: Kind) -> &mut HashMap<Vec<u8>, Vec<usize>> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// Nobody subscribed to anything: publishing is a no-op.
    #[inline]
    pub fn is_idle(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }

    /// INFO pubsub_channels / pubsub_patterns / pubsubshard_channels.
    pub fn len(&self, kind: Kind) -> usize {
        self.map(kind).len()
    }

    /// Subscribers of one channel (PUBSUB NUMSUB / SHARDNUMSUB).
    pub fn subscribers(&self, kind: Kind, name: &[u8]) -> usize {
        self.map(kind).get(name).map_or(0, |v| v.len())
    }

    /// Active channels matching `pattern` (PUBSUB CHANNELS / SHARDCHANNELS).
    pub fn names(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Vec<u8>> {
        self.map(kind).keys().filter(|k| pattern.is_none_or(|p| glob_match(p, k, false))).cloned().collect()
    }

    fn add(&mut self, kind: Kind, name: &[u8], token: usize) {
        self.map_mut(kind).entry(name.to_vec()).or_default().push(token);
    }

    fn remove(&mut self, kind: Kind, name: &[u8], token: usize) {
        let map = self.map_mut(kind);
        if let Some(v) = map.get_mut(name) {
            v.retain(|&t| t != token);
            if v.is_empty() {
                map.remove(name);
            }
        }
    }
}

/// Adds `name` to the client's subscriptions of `kind`; false if it was
/// already there.
pub fn subscribe(srv: &mut Server, c: &mut Client, kind: Kind, name: &[u8]) -> bool {
    let subs = c.subs.get_or_insert_with(Default::default);
    let added = match kind {
        Kind::Channel => subs.channels.insert(name.to_vec()),
        Kind::Shard => subs.shard_channels.insert(name.to_vec()),
        Kind::Pattern => {
            if subs.patterns.iter().any(|p| p == name) {
                false
            } else {
                subs.patterns.push(name.to_vec());
                true
            }
        }
    };
    if added {
        srv.pubsub.add(kind, name, c.token);
    }
    added
}

/// Removes `name` from the client's subscriptions of `kind`; false if it
/// was not subscribed.
pub fn unsubscribe(srv: &mut Server, c: &mut Client, kind: Kind, name: &[u8]) -> bool {
    let Some(subs) = c.subs.as_mut() else { return false };
    let removed = match kind {
        Kind::Channel => subs.channels.remove(name),
        Kind::Shard => subs.shard_channels.remove(name),
        Kind::Pattern => match subs.patterns.iter().position(|p| p == name) {
            Some(i) => {
                subs.patterns.remove(i);
                true
            }
            None => false,
        },
    };
    if removed {
        srv.pubsub.remove(kind, name, c.token);
    }
    removed
}

/// The client's subscriptions of `kind`, in the order an argument-less
/// UNSUBSCRIBE walks them.
pub fn subscribed(c: &Client, kind: Kind) -> Vec<Vec<u8>> {
    let Some(subs) = c.subs.as_ref() else { return Vec::new() };
    match kind {
        Kind::Channel => subs.channels.iter().cloned().collect(),
        Kind::Pattern => subs.patterns.clone(),
        Kind::Shard => subs.shard_channels.iter().cloned().collect(),
    }
}

/// Drops every subscription of a client that goes away (freeClient) or
/// is RESET, without replies.
pub fn forget_client(srv: &mut Server, c: &mut Client) {
    if let Some(subs) = c.subs.take() {
        for ch in &subs.channels {
            srv.pubsub.remove(Kind::Channel, ch, c.token);
        }
        for p in &subs.patterns {
            srv.pubsub.remove(Kind::Pattern, p, c.token);
        }
        for ch in &subs.shard_channels {
            srv.pubsub.remove(Kind::Shard, ch, c.token);
        }
    }
}

/// Writes a subscription confirmation (addReplyPubsub(Un)Subscribed): a
/// push of verb, name (null for an argument-less unsubscribe with nothing
/// to drop) and the client's subscription count.
pub fn reply_confirmation(c: &mut Client, verb: &str, name: Option<&[u8]>, count: usize) {
    c.out.push(3);
    c.out.bulk(verb.as_bytes());
    match name {
        Some(n) => c.out.bulk(n),
        None => c.out.null(),
    }
    c.out.int(count as i64);
}

fn write_message(c: &mut Client, parts: &[&[u8]]) {
    c.out.push(parts.len());
    for p in parts {
        c.out.bulk(p);
    }
}

impl Server {
    /// Sends a message to one subscriber, or keeps it for the running
    /// client (out of the slab). Clients being closed get nothing more,
    /// but still count as receivers, as in Redis.
    fn deliver(&mut self, token: usize, parts: &[&[u8]]) {
        match self.clients.get_mut(token) {
            Some(c) => {
                if c.close_asap {
                    return;
                }
                write_message(c, parts);
                self.pending_writes.push(token);
                self.check_output_limits(token);
            }
            None => self.pubsub.deferred.push(Deferred { token, parts: parts.iter().map(|p| p.to_vec()).collect() }),
        }
    }

    /// PUBLISH / SPUBLISH: delivers `message` to the subscribers of
    /// `channel` and, for ordinary channels, of every matching pattern.
    /// Returns the number of receivers (pubsubPublishMessage).
    pub fn publish(&mut self, channel: &[u8], message: &[u8], shard: bool) -> usize {
        let mut receivers = 0;
        let kind = if shard { Kind::Shard } else { Kind::Channel };
        if let Some(tokens) = self.pubsub.map(kind).get(channel) {
            let tokens = tokens.clone();
            let verb: &[u8] = if shard { b"smessage" } else { b"message" };
            for t in tokens {
                self.deliver(t, &[verb, channel, message]);
                receivers += 1;
            }
        }
        if shard || self.pubsub.patterns.is_empty() {
            return receivers;
        }
        let matching: Vec<(Vec<u8>, Vec<usize>)> =
            self.pubsub.patterns.iter().filter(|(p, _)| glob_match(p, channel, false)).map(|(p, v)| (p.clone(), v.clone())).collect();
        for (pattern, tokens) in matching {
            for t in tokens {
                self.deliver(t, &[b"pmessage", &pattern, channel, message]);
                receivers += 1;
            }
        }
        receivers
    }

    /// Writes the messages kept for `c` while it was out of the slab at
    /// byte `at` of its reply buffer (before the running command's reply).
    pub fn take_deferred_messages(&mut self, c: &mut Client, at: Option<usize>) {
        if self.pubsub.deferred.iter().all(|d| d.token != c.token) {
            return;
        }
        let mine: Vec<Deferred>;
        (mine, self.pubsub.deferred) = std::mem::take(&mut self.pubsub.deferred).into_iter().partition(|d| d.token == c.token);
        let tail = at.map(|at| c.out.buf.split_off(at.max(c.sent)));
        for d in mine {
            let parts: Vec<&[u8]> = d.parts.iter().map(|p| p.as_slice()).collect();
            write_message(c, &parts);
        }
        if let Some(tail) = tail {
            c.out.buf.extend_from_slice(&tail);
        }
    }

    /// closeClientOnOutputBufferLimitReached for a client in the slab.
    pub fn check_output_limits(&mut self, token: usize) {
        let Some(c) = self.clients.get_mut(token) else { return };
        if output_limit_reached(&self.config, c) {
            close_for_output_limit(c);
            self.to_close.push(token);
        }
    }
}

/// checkClientOutputBufferLimits: over the class's hard limit, or over
/// the soft limit for longer than the soft seconds. Classes: normal,
/// replica, pubsub (replicas join with replication).
pub fn output_limit_reached(config: &crate::config::Config, c: &mut Client) -> bool {
    if c.close_asap {
        return false;
    }
    let class = if c.is_pubsub() { 2 } else { 0 };
    let limit = config.client_output_buffer_limits[class];
    if limit.hard == 0 && limit.soft == 0 {
        return false;
    }
    let used = c.output_memory() as u64;
    let hard = limit.hard > 0 && used >= limit.hard;
    let mut soft = limit.soft > 0 && used >= limit.soft;
    if soft {
        match c.obuf_soft_since {
            None => {
                c.obuf_soft_since = Some(Instant::now());
                soft = false;
            }
            Some(since) => {
                if since.elapsed().as_secs() as i64 <= limit.soft_seconds {
                    soft = false;
                }
            }
        }
    } else {
        c.obuf_soft_since = None;
    }
    hard || soft
}

/// Logs Redis's line and marks the client for closing; its buffered
/// output is dropped at once so that its memory does not outlive the
/// limit. The caller queues it in `to_close` (the client may be out of
/// the slab).
pub fn close_for_output_limit(c: &mut Client) {
    let info = c.info_line(Instant::now());
    log::warn!("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.", info);
    c.out.buf = Vec::new();
    c.sent = 0;
    c.close_asap = true;
}
