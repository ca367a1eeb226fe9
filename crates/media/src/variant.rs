//! The resized copies kept beside every original.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    Small,
    Medium,
    Large,
}

impl Variant {
    pub const ALL: [Self; 3] = [Self::Small, Self::Medium, Self::Large];

    /// The longest side of this variant. The legacy backend set the width alone (CONTRACT
    /// §1.13), which made a portrait photo's `small` copy 256 px wide and hundreds of pixels
    /// tall; bounding the long side keeps every variant within a square of this size.
    pub const fn target_long_side(self) -> u32 {
        match self {
            Self::Small => 256,
            Self::Medium => 512,
            Self::Large => 1024,
        }
    }

    /// The key in the stored `path` JSON and the file name prefix (`small_<uuid>.jpg`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    /// This variant's size for an original of `width` × `height`: scaled so that the long side
    /// is the target, or the original's size when its long side is already shorter, because
    /// an upscaled copy is only a bigger file with no more detail. The short side keeps the
    /// aspect ratio, rounded, and is at least one pixel.
    pub fn size_for(self, width: u32, height: u32) -> (u32, u32) {
        fit(width, height, self.target_long_side())
    }
}

/// `width` × `height` scaled so that the long side is `target`, or unchanged when it is already
/// no longer; the short side keeps the aspect ratio, rounded, and is at least one pixel.
pub(crate) fn fit(width: u32, height: u32, target: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= target {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(target) + u64::from(long) / 2) / u64::from(long);
        // Never more than `side`, since target < long.
        u32::try_from(scaled).unwrap_or(side).max(1)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_originals_shrink_to_each_target_width() {
        assert_eq!(Variant::Small.size_for(2000, 1000), (256, 128));
        assert_eq!(Variant::Medium.size_for(2000, 1000), (512, 256));
        assert_eq!(Variant::Large.size_for(2000, 1000), (1024, 512));
    }

    #[test]
    fn tall_originals_shrink_by_their_height() {
        assert_eq!(Variant::Small.size_for(3000, 4000), (192, 256));
        assert_eq!(Variant::Medium.size_for(3000, 4000), (384, 512));
        assert_eq!(Variant::Large.size_for(3000, 4000), (768, 1024));
    }

    #[test]
    fn narrow_originals_are_never_upscaled() {
        assert_eq!(Variant::Small.size_for(300, 200), (256, 171));
        assert_eq!(Variant::Medium.size_for(300, 200), (300, 200));
        assert_eq!(Variant::Large.size_for(300, 200), (300, 200));
        assert_eq!(Variant::Large.size_for(1024, 10), (1024, 10));
        assert_eq!(Variant::Small.size_for(100, 100), (100, 100));
        assert_eq!(Variant::Small.size_for(200, 300), (171, 256));
    }

    #[test]
    fn very_flat_originals_keep_at_least_one_pixel_of_height() {
        assert_eq!(Variant::Small.size_for(40_000, 3), (256, 1));
        assert_eq!(Variant::Small.size_for(3, 40_000), (1, 256));
    }
}
