//! Small shared algorithms: number parsing and formatting as Redis does it
//! (util.c), glob matching (stringmatchlen), a fast keyed hash.

pub mod glob;
pub mod hash;
pub mod num;
pub mod rand;
