//! Uploaded files at the edge: reading an image from a `multipart/form-data` body
//! ([`form::read_upload`]) or streaming one big file from it ([`stream::StreamedForm`]),
//! answering `alpha_media`'s refusals ([`errors`]), and serving the upload folder under
//! `/uploads` ([`files::uploads`]), where the app finds the public paths
//! (`uploads/brand/<id>.jpg`) it is handed, and under `/media` ([`files::media`]), where video
//! `publicUrl`s point; from the S3 bucket instead when media live there ([`stored`]).

pub(crate) mod cleanup;
pub(crate) mod errors;
pub(crate) mod files;
pub(crate) mod form;
pub(crate) mod stored;
pub(crate) mod stream;
