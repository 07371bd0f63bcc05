//! Text handling shared by the modules that turn what a person typed into key material.

pub(crate) mod normalize;
