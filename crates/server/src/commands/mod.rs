//! One module per subcommand.

pub mod device;
pub mod migrate;
pub mod seed;
pub mod serve;
