//! The sorted set type; mirrors t_zset.c's encodings (listpack, skiplist).
//! (Skeleton: the sorted set family fills this in.)

#[derive(Clone, Debug, Default)]
pub struct ZSet {}

impl ZSet {
    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<ZSet>()
    }
}
