//! Shared helpers for redline's integration tests.
