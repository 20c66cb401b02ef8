//! Value encodings; mirrors object.c and the encoding files (sds.c, ...).

pub mod hash;
pub mod hll;
pub mod intset;
pub mod list;
pub mod listpack;
pub mod sds;
pub mod set;
pub mod value;
pub mod zset;
