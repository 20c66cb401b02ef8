//! The hash type; mirrors t_hash.c's encodings (listpack, hashtable).
//! (Skeleton: the hash family fills this in.)

#[derive(Clone, Debug, Default)]
pub struct Hash {}

impl Hash {
    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Hash>()
    }
}
