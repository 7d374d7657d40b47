//! Tools for kith's developers: the deterministic workspace generator behind `kith gen` and
//! `kith bench`, used by benchmarks and scale tests.

pub mod generate;
