//! CONFIG GET/SET/RESETSTAT/REWRITE; mirrors the command half of config.c.

use super::table::Command;

pub const COMMANDS: &[Command] = &[];
