//! Where an image belongs.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    Brand,
    Model,
    Category,
    Banner,
    /// A subscription plan's icon.
    Plan,
    Avatar,
    Post,
    Blog,
}

impl ImageKind {
    pub const ALL: [Self; 8] = [
        Self::Brand,
        Self::Model,
        Self::Category,
        Self::Banner,
        Self::Plan,
        Self::Avatar,
        Self::Post,
        Self::Blog,
    ];

    /// The folder under the upload root. These are the legacy backend's folder names, which
    /// stored paths already carry, so old and new files sit side by side.
    pub const fn dir(self) -> &'static str {
        match self {
            Self::Brand => "brand",
            Self::Model => "models",
            Self::Category => "categories",
            Self::Banner => "banners",
            Self::Plan => "subscription",
            Self::Avatar => "avatars",
            Self::Post => "posts",
            Self::Blog => "vlog",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_the_legacy_ones() {
        let dirs: Vec<_> = ImageKind::ALL.iter().map(|k| k.dir()).collect();
        assert_eq!(
            dirs,
            [
                "brand",
                "models",
                "categories",
                "banners",
                "subscription",
                "avatars",
                "posts",
                "vlog"
            ]
        );
    }
}
