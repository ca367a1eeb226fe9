//! What an upload that is not an image is, told by its first bytes (its magic numbers), never by
//! its name or declared type: the video containers the app plays (MP4, QuickTime, WebM) and PDF
//! documents.

/// How many leading bytes the sniffers need to decide: an MP4 `ftyp` box lists its brands well
/// within it, and a WebM EBML header (which names the document type) is a few dozen bytes.
pub const SNIFF_BYTES: usize = 4096;

/// Largest accepted document, as the legacy backend's multer limit for files (CONTRACT §1.13).
pub const MAX_PDF_BYTES: usize = 5 * 1024 * 1024;

/// The extension a PDF is stored under, whatever the uploaded name was.
pub const PDF_EXTENSION: &str = "pdf";
pub const PDF_CONTENT_TYPE: &str = "application/pdf";

/// A video container the app can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoContainer {
    /// ISO base media file with an MP4 brand (`isom`, `mp42`, `avc1`, `dash`, `M4V `, ...).
    Mp4,
    /// QuickTime (`qt  ` brand), what iPhones record.
    Mov,
    /// Matroska restricted to WebM (EBML `DocType` `webm`).
    Webm,
}

impl VideoContainer {
    /// The extension the file is stored under (no dot).
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Mp4 => "mp4",
            Self::Mov => "mov",
            Self::Webm => "webm",
        }
    }

    /// The `Content-Type` it is served with, which is what the static mount derives from
    /// [`Self::extension`].
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Mp4 => "video/mp4",
            Self::Mov => "video/quicktime",
            Self::Webm => "video/webm",
        }
    }
}

/// The container `head` (the first bytes of a file, [`SNIFF_BYTES`] or all of a shorter file)
/// starts, or `None`: not a video, an image in an ISO box (HEIC, AVIF), Matroska that is not
/// WebM, or too few bytes to tell.
pub fn sniff_video(head: &[u8]) -> Option<VideoContainer> {
    if head.starts_with(&EBML_MAGIC) {
        return (ebml_doc_type(head)? == b"webm").then_some(VideoContainer::Webm);
    }
    iso_brands(head)
}

/// Whether `head` starts a PDF document: `%PDF-` as its very first bytes. Readers tolerate junk
/// before the marker; this does not, so a file that is something else with a PDF inside is
/// refused.
pub fn is_pdf(head: &[u8]) -> bool {
    head.starts_with(b"%PDF-")
}

const EBML_MAGIC: [u8; 4] = [0x1A, 0x45, 0xDF, 0xA3];
const DOC_TYPE_ID: u64 = 0x4282;

const MOV_BRAND: &[u8; 4] = b"qt  ";
const MP4_BRANDS: [&[u8; 4]; 17] = [
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso8", b"iso9", b"mp41", b"mp42",
    b"avc1", b"dash", b"M4V ", b"M4VH", b"M4VP", b"mmp4", b"MSNV",
];
/// Still-image formats that use the same `ftyp` box: they are images, not videos.
const IMAGE_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
];

/// ISO base media (MP4, QuickTime): a first box of type `ftyp` at offset 4, then its major
/// brand, a version and the compatible brands. The major brand decides when it is known; else a
/// compatible MP4 brand makes it MP4 unless an image brand is listed.
fn iso_brands(head: &[u8]) -> Option<VideoContainer> {
    if head.get(4..8)? != b"ftyp" {
        return None;
    }
    let size = usize::try_from(u32::from_be_bytes(head.get(0..4)?.try_into().ok()?)).ok()?;
    // A box header, the major brand and the version; sizes 0 and 1 (to the end, 64-bit) are
    // never used for `ftyp`.
    if size < 16 {
        return None;
    }
    let major: &[u8; 4] = head.get(8..12)?.try_into().ok()?;
    if major == MOV_BRAND {
        return Some(VideoContainer::Mov);
    }
    if MP4_BRANDS.contains(&major) {
        return Some(VideoContainer::Mp4);
    }
    if IMAGE_BRANDS.contains(&major) {
        return None;
    }
    let compatible: Vec<&[u8]> = head
        .get(16..size.min(head.len()))?
        .chunks_exact(4)
        .collect();
    let listed = |brands: &[&[u8; 4]]| brands.iter().any(|b| compatible.contains(&&b[..]));
    if listed(&IMAGE_BRANDS) {
        None
    } else if listed(&MP4_BRANDS) {
        Some(VideoContainer::Mp4)
    } else if listed(&[MOV_BRAND]) {
        Some(VideoContainer::Mov)
    } else {
        None
    }
}

/// The `DocType` of the EBML header that starts `head` (`webm`, `matroska`), if `head` holds it.
fn ebml_doc_type(head: &[u8]) -> Option<&[u8]> {
    let mut rest = head.get(EBML_MAGIC.len()..)?;
    let (header_size, used) = vint(rest, false)?;
    rest = rest.get(used..)?;
    let header_len = usize::try_from(header_size).ok()?;
    // An unknown-size header (all ones) is not valid EBML; a truncated head is searched as far
    // as it goes.
    let mut header = &rest[..header_len.min(rest.len())];
    while !header.is_empty() {
        let (id, id_len) = vint(header, true)?;
        let (size, size_len) = vint(header.get(id_len..)?, false)?;
        let start = id_len + size_len;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let data = header.get(start..end)?;
        if id == DOC_TYPE_ID {
            // Strings may be padded with NULs.
            let len = data.iter().position(|&b| b == 0).unwrap_or(data.len());
            return Some(&data[..len]);
        }
        header = &header[end..];
    }
    None
}

/// An EBML variable-length integer at the start of `bytes`: its value (with the length marker
/// kept for element IDs, removed for sizes) and its length in bytes.
fn vint(bytes: &[u8], keep_marker: bool) -> Option<(u64, usize)> {
    let first = *bytes.first()?;
    let len = usize::try_from(first.leading_zeros()).ok()? + 1;
    if len > 8 || (keep_marker && len > 4) {
        return None;
    }
    let mut value = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for &b in bytes.get(1..len)? {
        value = (value << 8) | u64::from(b);
    }
    Some((value, len))
}

#[cfg(test)]
mod tests;
