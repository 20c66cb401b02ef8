//! CLIENT and its subcommands; mirrors clientCommand in networking.c.

use super::table::Command;

pub const COMMANDS: &[Command] = &[];
