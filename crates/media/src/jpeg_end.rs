//! Whether a JPEG file reaches its end-of-image marker. The JPEG decoder is lenient: it fills
//! whatever is missing from a cut-off upload with grey and reports success, so a truncated
//! upload is caught here, before decoding.

const MARKER: u8 = 0xff;
const END_OF_IMAGE: u8 = 0xd9;
const START_OF_SCAN: u8 = 0xda;

/// Walks the marker segments from the start-of-image marker by their lengths, so an EOI inside
/// a segment (the EXIF thumbnail is a whole JPEG) is never mistaken for the image's own, and
/// through each scan's entropy-coded data, where a 0xFF byte is always followed by 0x00 or a
/// restart marker unless a real marker starts. Anything after the EOI (some phones append a
/// video there) is not looked at.
pub(crate) fn reaches_end_of_image(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[MARKER, 0xd8]) {
        return false;
    }
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes (0xFF) and, in sloppy files, by stray bytes.
        while bytes.get(pos).is_some_and(|&b| b != MARKER) {
            pos += 1;
        }
        while bytes.get(pos) == Some(&MARKER) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else {
            return false;
        };
        pos += 1;
        match marker {
            END_OF_IMAGE => return true,
            // Restart markers, TEM and a repeated SOI carry no length.
            0xd0..=0xd8 | 0x01 => continue,
            _ => {}
        }
        let Some(length) = bytes.get(pos..pos + 2) else {
            return false;
        };
        let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
        if length < 2 {
            return false;
        }
        pos += length;
        if pos > bytes.len() {
            return false;
        }
        if marker == START_OF_SCAN {
            match end_of_scan(bytes, pos) {
                Some(next_marker) => pos = next_marker,
                None => return false,
            }
        }
    }
}

/// The position of the marker that ends the entropy-coded data starting at `from`.
fn end_of_scan(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    loop {
        let offset = bytes.get(pos..)?.iter().position(|&b| b == MARKER)?;
        pos += offset;
        match *bytes.get(pos + 1)? {
            // A stuffed 0xFF data byte, a restart marker, or fill bytes before a marker.
            0x00 | 0xd0..=0xd7 | MARKER => pos += 1,
            _ => return Some(pos),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_images::{jpeg, jpeg_with_orientation};

    #[test]
    fn a_whole_jpeg_reaches_its_end() {
        assert!(reaches_end_of_image(&jpeg(64, 48)));
        assert!(reaches_end_of_image(&jpeg_with_orientation(64, 48, 6)));
    }

    #[test]
    fn bytes_after_the_end_are_ignored() {
        let mut file = jpeg(16, 16);
        file.extend_from_slice(b"ftypmp42 appended motion photo");
        assert!(reaches_end_of_image(&file));
    }

    #[test]
    fn a_jpeg_cut_anywhere_does_not() {
        let file = jpeg(64, 48);
        for cut in 0..file.len() - 1 {
            assert!(!reaches_end_of_image(&file[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn an_end_marker_inside_a_segment_does_not_count() {
        // The EXIF thumbnail of a cut-off photo still ends with FF D9.
        let mut file = jpeg(16, 16);
        let cut = file.len() / 2;
        file.truncate(cut);
        let mut with_thumbnail = vec![0xff, 0xd8, 0xff, 0xe1, 0x00, 0x06, b'x', b'x', 0xff, 0xd9];
        with_thumbnail.extend_from_slice(&file[2..]);
        assert!(!reaches_end_of_image(&with_thumbnail));
    }
}
