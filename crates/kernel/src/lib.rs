//! Value types and ports shared by every domain crate. Pure: no I/O beyond reading the clock.

mod clock;
mod mask;

pub use clock::{Clock, SystemClock};
pub use mask::mask_phone;
