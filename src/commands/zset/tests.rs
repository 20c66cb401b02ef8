//! Sorted set command tests; expected bytes from redis-server 7.0.15.
use crate::commands::testing::TestServer;
