//! Filled by a later issue; the crate exists so the workspace shape is fixed.
