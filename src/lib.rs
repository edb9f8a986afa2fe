//! twinmatch: matches African and least-developed-country cities with mentor
//! cities of the UNESCO Global Network of Learning Cities.

/// The nouns of the network, each built by a validating constructor.
pub mod domain;
