//! The values blog entries are written in.

use uuid::Uuid;

/// `vlogs.uuid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VlogId(pub Uuid);

/// `enum_vlogs_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum VlogStatus {
    #[default]
    Pending,
    Accepted,
    Declined,
}

impl VlogStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
        }
    }

    /// `None` for a label the enum type does not have.
    pub fn from_label(label: &str) -> Option<Self> {
        match label {
            "Pending" => Some(Self::Pending),
            "Accepted" => Some(Self::Accepted),
            "Declined" => Some(Self::Declined),
            _ => None,
        }
    }
}
