//! The set type; mirrors t_set.c's encodings (intset, hashtable).
//! (Skeleton: the set family fills this in.)

#[derive(Clone, Debug, Default)]
pub struct Set {}

impl Set {
    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        "hashtable"
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<Set>()
    }
}
