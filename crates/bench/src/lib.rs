//! What kinship-bench's programs share: the ten-year reference workload.

pub mod workload;
