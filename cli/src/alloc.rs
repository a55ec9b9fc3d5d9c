//! The global allocator: the system's, except that on Linux every block of at least [`ADVISE_FROM`]
//! bytes is placed on huge-page boundaries and offered to the kernel as transparent huge pages
//! (`madvise(MADV_HUGEPAGE)`).
//!
//! Why: a large tree touches tens of megabytes once (the file, the arena, the payoff tables), and on
//! 4 KiB pages each page costs a fault, zeroing and accounting in the kernel: on the 1.1e5-node
//! compare.py tree, about 4,400 faults and a fifth of the process's CPU time. With the advice, a 2 MiB
//! page takes one fault. Kernels with transparent huge pages off (`never`) ignore the advice; with
//! `always` it changes nothing. Small blocks go to the system allocator untouched, so start-up and
//! small games pay one size comparison per allocation.
//!
//! This is the one module of the project with `unsafe` code: implementing [`GlobalAlloc`] is unsafe
//! by definition. Every call goes to [`System`]; large blocks only ask it for a stricter alignment,
//! and the advice changes how memory is backed, never its contents.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks of at least this many bytes are aligned and advised.
pub const ADVISE_FROM: usize = 512 << 10;

/// The size of a transparent huge page on x86-64 (and of most aarch64 kernels' PMD pages).
const HUGE_PAGE: usize = 2 << 20;

/// The system allocator with huge pages for large blocks.
pub struct Allocator;

/// The layout a block of `layout` gets from the system: unchanged below [`ADVISE_FROM`]; beyond,
/// aligned to a huge page (a stricter alignment satisfies the caller's) and rounded up to whole huge
/// pages, so that the block is advised to its end. (The rounding is address space; the tail costs
/// memory only once it is touched.)
fn system_layout(layout: Layout) -> Layout {
    if cfg!(target_os = "linux") && layout.size() >= ADVISE_FROM && layout.align() <= HUGE_PAGE {
        match layout.size().checked_next_multiple_of(HUGE_PAGE).map(|s| Layout::from_size_align(s, HUGE_PAGE))
        {
            Some(Ok(l)) => l,
            _ => layout,
        }
    } else {
        layout
    }
}

/// Advises the block `[ptr, ptr + size)`, huge-page aligned and a whole number of huge pages.
#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, size: usize) {
    // SAFETY: the range is a live block that the system allocator has just handed out;
    // MADV_HUGEPAGE alters neither the contents nor the permissions of the mapping. The result is
    // ignored on purpose: the advice is a hint (EINVAL where THP is compiled out).
    unsafe {
        libc::madvise(ptr.cast::<libc::c_void>(), size, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_ptr: *mut u8, _size: usize) {}

// SAFETY: every method forwards to `System`. A block is always freed or resized with the same
// system layout it was allocated with, since `system_layout` depends only on the caller's layout,
// which `GlobalAlloc` guarantees to be the one the block was allocated with.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let sys = system_layout(layout);
        // SAFETY: `sys` has the caller's non-zero size.
        let p = unsafe { System.alloc(sys) };
        if sys != layout && !p.is_null() {
            advise(p, sys.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let sys = system_layout(layout);
        // SAFETY: as in `alloc`.
        let p = unsafe { System.alloc_zeroed(sys) };
        if sys != layout && !p.is_null() {
            advise(p, sys.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator with `layout`, so by `System` with
        // `system_layout(layout)`.
        unsafe { System.dealloc(ptr, system_layout(layout)) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = system_layout(layout);
        let Ok(wanted) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let new = system_layout(wanted);
        if old == layout && new == wanted {
            // Small before and after: the system resizes in place when it can.
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        if old == new {
            // Large before and after, within the same whole huge pages (a vector growing from
            // 600 KiB to 1.2 MiB): the block already holds the new size, and is later freed with
            // `system_layout(wanted)`, which is `old`.
            return ptr;
        }
        // Large before or after: a new block of the new system layout, the contents copied and
        // the old block freed, as `System.realloc` itself does for over-aligned blocks.
        // SAFETY: `new` has the caller's non-zero size; the copy covers the smaller block, both
        // live and distinct; `ptr` is freed with the system layout it was allocated with.
        unsafe {
            let p = System.alloc(new);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                System.dealloc(ptr, old);
                if new != wanted {
                    advise(p, new.size());
                }
            }
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fills `len` bytes at `p` with a pattern that depends on the position.
    fn fill(p: *mut u8, len: usize) {
        for i in (0..len).step_by(4093) {
            // SAFETY: `i < len`, inside the block.
            unsafe { p.add(i).write((i % 251) as u8) };
        }
    }

    fn check(p: *const u8, len: usize) {
        for i in (0..len).step_by(4093) {
            // SAFETY: `i < len`, inside the block.
            assert_eq!(unsafe { p.add(i).read() }, (i % 251) as u8, "byte {i}");
        }
    }

    /// Blocks keep their contents through growth and shrinking across the threshold, large blocks
    /// are huge-page aligned, and every block is freed with the layout it was made with (a mismatch
    /// would abort in glibc's checks).
    #[test]
    fn blocks_keep_their_contents_across_the_threshold() {
        let a = Allocator;
        let small = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: non-zero sizes; each block is resized and freed with its current layout.
        unsafe {
            let p = a.alloc(small);
            assert!(!p.is_null());
            fill(p, 1000);
            let big = 3 * ADVISE_FROM + 12345;
            let q = a.realloc(p, small, big);
            assert!(!q.is_null());
            check(q, 1000);
            if cfg!(target_os = "linux") {
                assert_eq!(q as usize % HUGE_PAGE, 0, "a large block is huge-page aligned");
            }
            fill(q, big);
            let bigger = 5 * HUGE_PAGE + 1;
            let r = a.realloc(q, Layout::from_size_align(big, 8).unwrap(), bigger);
            check(r, big);
            let s = a.realloc(r, Layout::from_size_align(bigger, 8).unwrap(), 777);
            check(s, 777);
            a.dealloc(s, Layout::from_size_align(777, 8).unwrap());
            let z = a.alloc_zeroed(Layout::from_size_align(ADVISE_FROM, 64).unwrap());
            assert!((0..ADVISE_FROM).step_by(4096).all(|i| z.add(i).read() == 0));
            a.dealloc(z, Layout::from_size_align(ADVISE_FROM, 64).unwrap());
        }
    }

    /// Growing or shrinking within the same whole huge pages keeps the block where it is (no copy).
    #[test]
    fn resizing_within_the_rounding_keeps_the_block() {
        let a = Allocator;
        let first = Layout::from_size_align(ADVISE_FROM + 1, 8).unwrap();
        // SAFETY: non-zero sizes; each block is resized and freed with its current layout.
        unsafe {
            let p = a.alloc(first);
            assert!(!p.is_null());
            fill(p, first.size());
            let grown = HUGE_PAGE - 3;
            let q = a.realloc(p, first, grown);
            if cfg!(target_os = "linux") {
                assert_eq!(q, p, "the block already held the new size");
            }
            check(q, first.size());
            a.dealloc(q, Layout::from_size_align(grown, 8).unwrap());
        }
    }

    #[test]
    fn small_layouts_are_left_alone() {
        let l = Layout::from_size_align(ADVISE_FROM - 1, 16).unwrap();
        assert_eq!(system_layout(l), l);
        let big = Layout::from_size_align(ADVISE_FROM, 16).unwrap();
        if cfg!(target_os = "linux") {
            let s = system_layout(big);
            assert_eq!((s.size(), s.align()), (HUGE_PAGE, HUGE_PAGE));
        }
    }
}
