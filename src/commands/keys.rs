//! Generic keyspace commands (DEL, EXISTS, EXPIRE, SCAN, RENAME, ...); mirrors db.c and expire.c.

use super::table::Command;

pub const COMMANDS: &[Command] = &[];
