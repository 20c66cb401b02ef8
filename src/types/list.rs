//! The list type; mirrors quicklist.c / t_list.c's encodings.
//! (Skeleton: the list family fills this in.)

#[derive(Clone, Debug, Default)]
pub struct List {}

impl List {
    /// OBJECT ENCODING name.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Heap bytes owned (MEMORY USAGE).
    pub fn mem_usage(&self) -> usize {
        std::mem::size_of::<List>()
    }
}
