use super::*;

/// An `ftyp` box: size, `ftyp`, the major brand, version 0 and the compatible brands.
fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let size = u32::try_from(16 + 4 * compatible.len()).unwrap_or(u32::MAX);
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(major);
    out.extend_from_slice(&[0, 0, 2, 0]);
    for brand in compatible {
        out.extend_from_slice(*brand);
    }
    // What follows the box in a real file.
    out.extend_from_slice(&[0, 0, 0, 8]);
    out.extend_from_slice(b"free");
    out
}

/// An EBML header with the given `DocType`, as mkvmerge and ffmpeg write it, then a Segment.
fn ebml(doc_type: &str) -> Vec<u8> {
    let mut body = vec![
        0x42, 0x86, 0x81, 0x01, // EBMLVersion 1
        0x42, 0xF7, 0x81, 0x01, // EBMLReadVersion 1
        0x42, 0xF2, 0x81, 0x04, // EBMLMaxIDLength 4
        0x42, 0xF3, 0x81, 0x08, // EBMLMaxSizeLength 8
        0x42, 0x82, // DocType
    ];
    body.push(0x80 | u8::try_from(doc_type.len()).unwrap_or(0x7F));
    body.extend_from_slice(doc_type.as_bytes());
    body.extend_from_slice(&[0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]);
    let mut out = EBML_MAGIC.to_vec();
    out.push(0x80 | u8::try_from(body.len()).unwrap_or(0x7F));
    out.extend_from_slice(&body);
    out.extend_from_slice(&[0x18, 0x53, 0x80, 0x67, 0x01, 0, 0, 0, 0, 0, 0, 0]);
    out
}

#[test]
fn mp4_files_are_known_by_their_brands() {
    for (major, compatible) in [
        (b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"][..]),
        (b"mp42", &[b"mp42", b"isom"][..]),
        (b"mp41", &[][..]),
        (b"M4V ", &[b"M4V ", b"M4A ", b"mp42"][..]),
        (b"dash", &[b"iso6", b"mp41"][..]),
        (b"avc1", &[][..]),
        // An unknown major brand with an MP4 compatible brand (Android recorders, ffmpeg).
        (b"XAVC", &[b"XAVC", b"mp42", b"iso2"][..]),
    ] {
        assert_eq!(
            sniff_video(&ftyp(major, compatible)),
            Some(VideoContainer::Mp4),
            "{}",
            String::from_utf8_lossy(major)
        );
    }
}

#[test]
fn quicktime_is_mov() {
    assert_eq!(
        sniff_video(&ftyp(b"qt  ", &[b"qt  "])),
        Some(VideoContainer::Mov)
    );
}

#[test]
fn webm_is_known_by_its_ebml_doc_type() {
    assert_eq!(sniff_video(&ebml("webm")), Some(VideoContainer::Webm));
}

#[test]
fn matroska_that_is_not_webm_is_refused() {
    assert_eq!(sniff_video(&ebml("matroska")), None);
}

#[test]
fn images_in_iso_boxes_are_not_videos() {
    for major in [b"heic", b"mif1", b"avif"] {
        assert_eq!(sniff_video(&ftyp(major, &[b"mif1", b"heic"])), None);
    }
    // An unknown major brand listing an image brand beside an MP4 one.
    assert_eq!(sniff_video(&ftyp(b"abcd", &[b"avif", b"isom"])), None);
    // Nothing known at all.
    assert_eq!(sniff_video(&ftyp(b"abcd", &[b"efgh"])), None);
}

#[test]
fn other_files_are_not_videos() {
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
    for head in [
        &b""[..],
        b"hello, this is plain text and certainly no video",
        &jpeg,
        b"%PDF-1.7\n",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        b"RIFF\0\0\0\0WEBPVP8 ",
        // `ftyp` not at offset 4.
        b"\0\0\0\0\0\0\0\0ftypisom\0\0\0\0",
    ] {
        assert_eq!(sniff_video(head), None, "{}", String::from_utf8_lossy(head));
    }
}

#[test]
fn truncated_headers_are_refused_not_guessed() {
    let mp4 = ftyp(b"isom", &[b"isom"]);
    for len in [0, 3, 4, 8, 11] {
        assert_eq!(sniff_video(&mp4[..len]), None, "mp4 cut at {len}");
    }
    assert_eq!(sniff_video(&mp4[..12]), Some(VideoContainer::Mp4));
    let webm = ebml("webm");
    // Cut before or inside the DocType element.
    let doc_type_end = webm.windows(4).position(|w| w == b"webm").unwrap_or(0) + 4;
    for len in [0, 3, 4, 5, 10, doc_type_end - 1] {
        assert_eq!(sniff_video(&webm[..len]), None, "webm cut at {len}");
    }
    assert_eq!(
        sniff_video(&webm[..doc_type_end]),
        Some(VideoContainer::Webm)
    );
    // A box that declares less than its own header.
    let mut small = mp4;
    small[..4].copy_from_slice(&8u32.to_be_bytes());
    assert_eq!(sniff_video(&small), None);
    // EBML with a size it cannot hold.
    assert_eq!(sniff_video(&[0x1A, 0x45, 0xDF, 0xA3, 0x00]), None);
}

#[test]
fn containers_are_stored_and_served_as_themselves() {
    let all = [
        VideoContainer::Mp4,
        VideoContainer::Mov,
        VideoContainer::Webm,
    ];
    let described: Vec<_> = all
        .iter()
        .map(|c| (c.extension(), c.content_type()))
        .collect();
    assert_eq!(
        described,
        [
            ("mp4", "video/mp4"),
            ("mov", "video/quicktime"),
            ("webm", "video/webm")
        ]
    );
}

#[test]
fn a_pdf_starts_with_its_marker_and_nothing_before() {
    assert!(is_pdf(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"));
    assert!(is_pdf(b"%PDF-2.0"));
    for head in [
        &b""[..],
        b"%PDF",
        b"%pdf-1.4",
        b" %PDF-1.4",
        b"\xEF\xBB\xBF%PDF-1.4",
        b"junk before %PDF-1.4",
        b"\xFF\xD8\xFF\xE0",
        b"plain text",
    ] {
        assert!(!is_pdf(head), "{}", String::from_utf8_lossy(head));
    }
}
