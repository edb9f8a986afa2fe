//! The data compiled into the binary: the real network (`fixtures/gnlc`)
//! and the labelled sample offers and requests (`fixtures/demo`), loaded by
//! `twinmatch serve` into an empty database so the service runs anywhere.

use crate::store::import::SourceFile;

macro_rules! embedded {
    ($dir:literal: $($file:literal),+) => {
        vec![$(SourceFile {
            name: $file.to_string(),
            text: include_str!(concat!("../fixtures/", $dir, "/", $file)).to_string(),
        }),+]
    };
}

/// The real public data of the network.
pub fn gnlc() -> Vec<SourceFile> {
    embedded!("gnlc": "countries.csv", "aliases.csv", "cities.csv", "twin_links.csv", "awards.csv", "clusters.csv")
}

/// The generated sample (see fixtures/README.md).
pub fn demo() -> Vec<SourceFile> {
    embedded!("demo": "evidence.csv", "offers.csv", "requests.csv")
}
