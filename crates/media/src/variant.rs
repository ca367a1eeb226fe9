//! The resized copies kept beside every original.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    Small,
    Medium,
    Large,
}

impl Variant {
    pub const ALL: [Self; 3] = [Self::Small, Self::Medium, Self::Large];

    /// The widths the legacy backend made (CONTRACT §1.13).
    pub const fn target_width(self) -> u32 {
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

    /// This variant's size for an original of `width` × `height`: the target width, or the
    /// original's when it is narrower, because an upscaled copy is only a bigger file with no
    /// more detail. The height keeps the aspect ratio, rounded, and is at least one pixel.
    pub fn size_for(self, width: u32, height: u32) -> (u32, u32) {
        let new_width = self.target_width().min(width);
        if new_width == width {
            return (width, height);
        }
        let scaled =
            (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width);
        // Never more than `height`, since new_width < width.
        let new_height = u32::try_from(scaled).unwrap_or(height).max(1);
        (new_width, new_height)
    }
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
    fn narrow_originals_are_never_upscaled() {
        assert_eq!(Variant::Small.size_for(300, 200), (256, 171));
        assert_eq!(Variant::Medium.size_for(300, 200), (300, 200));
        assert_eq!(Variant::Large.size_for(300, 200), (300, 200));
        assert_eq!(Variant::Large.size_for(1024, 10), (1024, 10));
    }

    #[test]
    fn very_flat_originals_keep_at_least_one_pixel_of_height() {
        assert_eq!(Variant::Small.size_for(40_000, 3), (256, 1));
    }
}
