//! Assets: IDX decoding with checksum checks, the bundled asset manifest, and in-memory
//! image datasets.

pub mod assets;
pub mod dataset;
pub mod idx;
pub mod pretrained;

pub use dataset::{Dataset, Split};
