//! Preview (in progress).
