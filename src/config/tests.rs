//! Tests for configuration parsing, printing and rewriting.

use super::*;
