//! Networking: client connections, the request parser and the reply
//! writer; mirrors networking.c.

pub mod client;
pub mod reply;
pub mod resp;
