#![allow(clippy::unwrap_used)]

use actix_web::App;
use actix_web::test as http;

use super::*;

/// The tests run in the crate's folder, which holds `Cargo.toml`: what actix-files would serve
/// if it were handed an empty or unresolvable root and fell back to the working directory.
#[actix_web::test]
async fn a_missing_upload_folder_serves_nothing_not_the_working_directory() {
    assert!(
        Path::new("Cargo.toml").is_file(),
        "run from the crate folder"
    );
    for root in ["", "no/such/folder", "Cargo.toml"] {
        assert!(served_root(Path::new(root)).is_err(), "{root:?}");
        let app = http::init_service(
            App::new()
                .service(uploads(&ServedFiles::Folder(root.into())))
                .service(media(&ServedFiles::Folder(root.into()))),
        )
        .await;
        for uri in [
            "/uploads/Cargo.toml",
            "/media/Cargo.toml",
            "/uploads/src/lib.rs",
        ] {
            let res =
                http::call_service(&app, http::TestRequest::get().uri(uri).to_request()).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{root:?} {uri}");
            assert!(res.headers().get(header::CACHE_CONTROL).is_none());
        }
    }
}

#[test]
fn an_existing_folder_is_served_by_its_absolute_path() {
    let resolved = served_root(Path::new("src")).unwrap();
    assert!(resolved.is_absolute());
    assert!(resolved.ends_with("src"));
}
