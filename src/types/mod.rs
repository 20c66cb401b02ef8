//! Value encodings; mirrors object.c and the encoding files (sds.c, ...).

pub mod sds;
pub mod value;
