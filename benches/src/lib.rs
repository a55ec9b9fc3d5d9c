//! Shared game generators for the criterion benchmarks.
