//! The built-in deterrence models.
