//! An image written to the store: its files and the paths the API hands out for them.

use uuid::Uuid;

use crate::kind::ImageKind;
use crate::upload_path::UploadPath;
use crate::variant::Variant;

/// One id names all four files: `<kind folder>/<id>.<ext>` for the original and
/// `<kind folder>/<variant>_<id>.<ext>` for each variant, as the legacy backend named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    kind: ImageKind,
    id: Uuid,
    extension: &'static str,
    width: u32,
    height: u32,
}

/// Public paths of the variants, the `photos.path` JSON object (`{"small": "uploads/...", ...}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantPaths {
    pub small: String,
    pub medium: String,
    pub large: String,
}

impl StoredImage {
    pub(crate) fn new(
        kind: ImageKind,
        id: Uuid,
        extension: &'static str,
        (width, height): (u32, u32),
    ) -> Self {
        Self {
            kind,
            id,
            extension,
            width,
            height,
        }
    }

    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    /// `"jpg"` or `"png"`.
    pub fn extension(&self) -> &'static str {
        self.extension
    }

    /// Of the original, upright.
    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn original(&self) -> UploadPath {
        self.file(None)
    }

    pub fn variant(&self, variant: Variant) -> UploadPath {
        self.file(Some(variant))
    }

    /// Public path of the original, the `photos.originalPath` column.
    pub fn original_path(&self) -> String {
        self.original().public()
    }

    pub fn paths(&self) -> VariantPaths {
        VariantPaths {
            small: self.variant(Variant::Small).public(),
            medium: self.variant(Variant::Medium).public(),
            large: self.variant(Variant::Large).public(),
        }
    }

    /// Every file of the image, the original first.
    pub fn files(&self) -> [UploadPath; 4] {
        [
            self.original(),
            self.variant(Variant::Small),
            self.variant(Variant::Medium),
            self.variant(Variant::Large),
        ]
    }

    fn file(&self, variant: Option<Variant>) -> UploadPath {
        let id = self.id.hyphenated();
        let ext = self.extension;
        let name = match variant {
            None => format!("{id}.{ext}"),
            Some(variant) => format!("{}_{id}.{ext}", variant.name()),
        };
        UploadPath::from_parts(self.kind.dir(), &name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_after_the_id_in_the_kind_folder() {
        let id = Uuid::from_u128(0x1234);
        let image = StoredImage::new(ImageKind::Model, id, "png", (10, 20));
        assert_eq!(image.original_path(), format!("uploads/models/{id}.png"));
        assert_eq!(
            image.paths(),
            VariantPaths {
                small: format!("uploads/models/small_{id}.png"),
                medium: format!("uploads/models/medium_{id}.png"),
                large: format!("uploads/models/large_{id}.png"),
            }
        );
        let files: Vec<_> = image.files().iter().map(|f| f.to_string()).collect();
        assert_eq!(
            files,
            [
                format!("models/{id}.png"),
                format!("models/small_{id}.png"),
                format!("models/medium_{id}.png"),
                format!("models/large_{id}.png"),
            ]
        );
    }
}
