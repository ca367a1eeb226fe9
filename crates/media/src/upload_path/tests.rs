#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn plain_relative_paths_are_accepted() {
    let path = UploadPath::parse("brand/small_x.jpg").unwrap();
    assert_eq!(path.as_str(), "brand/small_x.jpg");
    assert_eq!(
        path.components().collect::<Vec<_>>(),
        ["brand", "small_x.jpg"]
    );
}

#[test]
fn paths_that_could_leave_the_upload_folder_are_refused() {
    for (input, expected) in [
        ("", UploadPathError::Empty),
        ("/etc/passwd", UploadPathError::Absolute),
        ("../x", UploadPathError::NotPlain),
        ("brand/../../x", UploadPathError::NotPlain),
        ("brand/..", UploadPathError::NotPlain),
        ("./brand/x.jpg", UploadPathError::NotPlain),
        ("brand//x.jpg", UploadPathError::NotPlain),
        ("brand/", UploadPathError::NotPlain),
        ("..\\x", UploadPathError::ForbiddenCharacter),
        ("brand/x\0.jpg", UploadPathError::ForbiddenCharacter),
    ] {
        assert_eq!(UploadPath::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn public_path_is_the_relative_one_under_uploads() {
    let path = UploadPath::parse("brand/x.jpg").unwrap();
    assert_eq!(path.public(), "uploads/brand/x.jpg");
    assert_eq!(UploadPath::from_public(&path.public()).unwrap(), path);
}

#[test]
fn from_public_refuses_paths_outside_uploads() {
    for input in [
        "brand/x.jpg",
        "/uploads/x.jpg",
        "uploadsx/y.jpg",
        "media/video/x.mp4",
    ] {
        assert_eq!(
            UploadPath::from_public(input),
            Err(UploadPathError::NotPublic),
            "{input:?}"
        );
    }
    assert_eq!(
        UploadPath::from_public("uploads/../secret"),
        Err(UploadPathError::NotPlain)
    );
    assert_eq!(
        UploadPath::from_public("uploads/"),
        Err(UploadPathError::Empty)
    );
}

#[test]
fn videos_and_documents_get_the_old_folders_and_their_proved_extension() {
    let id = uuid::Uuid::from_u128(7);
    let video = UploadPath::video(id, crate::VideoContainer::Webm);
    assert_eq!(video.as_str(), format!("video/{id}.webm"));
    assert_eq!(UploadPath::parse(video.as_str()), Ok(video));
    let pdf = UploadPath::pdf(id);
    assert_eq!(pdf.public(), format!("uploads/files/{id}.pdf"));
    assert_eq!(UploadPath::parse(pdf.as_str()), Ok(pdf));
}
