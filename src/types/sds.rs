//! `Sds`: an owned, growable byte string behind one thin pointer; mirrors
//! Redis's sds.c.
//!
//! Why not `Vec<u8>` or `Box<[u8]>`: those are 24 and 16 bytes wide. A string
//! value lives inside `Value`, which lives inside every keyspace entry; a
//! thin 8-byte pointer keeps `Value` at 16 bytes and the entry in jemalloc's
//! 48-byte class. Length and capacity sit in an 8-byte header in front of the
//! bytes, as in Redis's sdshdr32.
//!
//! Strings are limited to `u32::MAX - 1` bytes (4 GiB), above Redis's 512 MB
//! `proto-max-bulk-len` default; the top bit of the capacity word records the
//! "raw" encoding (a string that was modified in place by APPEND/SETRANGE).

use std::alloc::{alloc, dealloc, handle_alloc_error, realloc, Layout};
use std::ptr::NonNull;

const HEADER: usize = 8;
const RAW_FLAG: u32 = 1 << 31;
const CAP_MASK: u32 = !RAW_FLAG;
/// Largest string an `Sds` can hold.
pub const MAX_LEN: usize = CAP_MASK as usize;

pub struct Sds {
    ptr: NonNull<u8>,
}

// SAFETY: Sds owns its allocation exclusively, like Box<[u8]>.
unsafe impl Send for Sds {}
unsafe impl Sync for Sds {}

impl Sds {
    fn layout(cap: usize) -> Layout {
        Layout::from_size_align(HEADER + cap, 4).expect("sds layout")
    }

    /// A new string holding `bytes`, with no spare capacity.
    pub fn from_bytes(bytes: &[u8]) -> Sds {
        Self::with_capacity(bytes, bytes.len())
    }

    /// A new string holding `bytes` with room for `cap` bytes in total.
    pub fn with_capacity(bytes: &[u8], cap: usize) -> Sds {
        assert!(cap >= bytes.len() && cap <= MAX_LEN, "sds capacity");
        let layout = Self::layout(cap);
        // SAFETY: layout has a non-zero size (header), the header and
        // `bytes.len()` bytes are initialised before the pointer is used.
        unsafe {
            let p = alloc(layout);
            let Some(ptr) = NonNull::new(p) else { handle_alloc_error(layout) };
            (p as *mut u32).write(bytes.len() as u32);
            (p as *mut u32).add(1).write(cap as u32);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.add(HEADER), bytes.len());
            Sds { ptr }
        }
    }

    #[inline]
    fn hdr(&self) -> (u32, u32) {
        // SAFETY: the header is always initialised.
        unsafe {
            let p = self.ptr.as_ptr() as *const u32;
            (p.read(), p.add(1).read())
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.hdr().0 as usize
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn capacity(&self) -> usize {
        (self.hdr().1 & CAP_MASK) as usize
    }

    /// True once the string was modified in place (OBJECT ENCODING "raw").
    pub fn is_raw(&self) -> bool {
        self.hdr().1 & RAW_FLAG != 0
    }

    pub fn set_raw(&mut self, raw: bool) {
        let (_, cap) = self.hdr();
        let cap = if raw { cap | RAW_FLAG } else { cap & CAP_MASK };
        // SAFETY: header word 1 is ours to write.
        unsafe { (self.ptr.as_ptr() as *mut u32).add(1).write(cap) }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes after the header are initialised.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().add(HEADER), self.len()) }
    }

    #[inline]
    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        // SAFETY: as above, and we hold the only reference.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(HEADER), self.len()) }
    }

    fn set_len(&mut self, len: usize) {
        // SAFETY: header word 0 is ours to write; callers keep len <= cap.
        unsafe { (self.ptr.as_ptr() as *mut u32).write(len as u32) }
    }

    /// Makes room for `extra` more bytes, growing greedily like sdsMakeRoomFor
    /// (double below 1 MB, +1 MB above) so repeated APPENDs stay linear.
    pub fn reserve(&mut self, extra: usize) {
        let len = self.len();
        let need = len.checked_add(extra).expect("sds overflow");
        let cap = self.capacity();
        if need <= cap {
            return;
        }
        assert!(need <= MAX_LEN, "sds too large");
        let mut new_cap = if need < 1024 * 1024 { need * 2 } else { need + 1024 * 1024 };
        new_cap = new_cap.min(MAX_LEN);
        let raw = self.is_raw();
        // SAFETY: ptr was allocated with layout(cap); the new size is valid.
        unsafe {
            let p = realloc(self.ptr.as_ptr(), Self::layout(cap), HEADER + new_cap);
            let Some(ptr) = NonNull::new(p) else { handle_alloc_error(Self::layout(new_cap)) };
            self.ptr = ptr;
            (p as *mut u32).add(1).write(new_cap as u32);
        }
        self.set_raw(raw);
    }

    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        let len = self.len();
        // SAFETY: reserve guaranteed capacity for len + bytes.len().
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr.as_ptr().add(HEADER + len), bytes.len());
        }
        self.set_len(len + bytes.len());
    }

    /// Grows the string to `new_len` bytes, zero-filling (SETRANGE, SETBIT).
    pub fn resize_zeroed(&mut self, new_len: usize) {
        let len = self.len();
        if new_len <= len {
            self.set_len(new_len);
            return;
        }
        self.reserve(new_len - len);
        // SAFETY: capacity covers new_len.
        unsafe { std::ptr::write_bytes(self.ptr.as_ptr().add(HEADER + len), 0, new_len - len) }
        self.set_len(new_len);
    }

    /// Bytes allocated for this string, header included (MEMORY USAGE).
    pub fn alloc_size(&self) -> usize {
        HEADER + self.capacity()
    }
}

impl Drop for Sds {
    fn drop(&mut self) {
        // SAFETY: allocated with exactly this layout.
        unsafe { dealloc(self.ptr.as_ptr(), Self::layout(self.capacity())) }
    }
}

impl Clone for Sds {
    fn clone(&self) -> Sds {
        let mut s = Sds::from_bytes(self.as_bytes());
        s.set_raw(self.is_raw());
        s
    }
}

impl std::fmt::Debug for Sds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sds({:?})", String::from_utf8_lossy(self.as_bytes()))
    }
}

impl PartialEq for Sds {
    fn eq(&self, other: &Sds) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_keeps_raw_flag() {
        let mut s = Sds::from_bytes(b"abc");
        assert_eq!(s.as_bytes(), b"abc");
        s.set_raw(true);
        for _ in 0..1000 {
            s.extend_from_slice(b"xyz");
        }
        assert_eq!(s.len(), 3003);
        assert!(s.is_raw());
        assert!(s.capacity() >= 3003);
        s.resize_zeroed(4000);
        assert_eq!(&s.as_bytes()[3003..3005], &[0, 0]);
        let c = s.clone();
        assert_eq!(c, s);
        assert_eq!(std::mem::size_of::<Sds>(), 8);
    }

    #[test]
    fn empty_string() {
        let s = Sds::from_bytes(b"");
        assert!(s.is_empty());
        assert_eq!(s.as_bytes(), b"");
    }
}
