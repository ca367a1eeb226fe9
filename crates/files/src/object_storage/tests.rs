#![allow(clippy::unwrap_used)]

use super::*;

fn config() -> S3Config {
    S3Config {
        bucket: "media".into(),
        region: "eu-central-1".into(),
        endpoint: Some("https://s3.example.com".into()),
        access_key_id: Some("AKIDEXAMPLE".into()),
        secret_access_key: Some("very-secret-value".into()),
        allow_http: false,
        prefix: String::new(),
    }
}

#[test]
fn the_secret_key_never_shows_in_debug_output() {
    let shown = format!("{:?}", config());
    assert!(!shown.contains("very-secret-value"), "{shown}");
    assert!(
        shown.contains("[REDACTED]") && shown.contains("AKIDEXAMPLE"),
        "{shown}"
    );
    let store = S3Store::new(&config()).unwrap();
    assert!(!format!("{store:?}").contains("very-secret-value"));
}

#[test]
fn keys_are_the_upload_path_under_the_prefix_folders() {
    let path = UploadPath::parse("video/x.mp4").unwrap();
    let bare = S3Store::new(&config()).unwrap();
    assert_eq!(bare.key(&path).as_ref(), "video/x.mp4");
    for prefix in ["media", "/media/", "media//"] {
        let store = S3Store::new(&S3Config {
            prefix: prefix.into(),
            ..config()
        })
        .unwrap();
        assert_eq!(store.key(&path).as_ref(), "media/video/x.mp4", "{prefix:?}");
    }
}
