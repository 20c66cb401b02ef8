//! Tests for CONFIG GET/SET/RESETSTAT/REWRITE/HELP through the real dispatcher.

use crate::commands::testing::TestServer;
