//! Templates and static assets, embedded in the binary so one file is the
//! whole deployment. Assets are served under content-hashed names and cached
//! for a year; the hash changes when the file does.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::error::Context as _;
use crate::error::Error;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct AssetFiles;

pub fn load_templates() -> Result<tera::Tera, Error> {
    let mut tera = tera::Tera::default();
    let mut files = Vec::new();
    for name in TemplateFiles::iter() {
        let file = TemplateFiles::get(&name).ok_or_else(|| Error::internal(format!("template {name} vanished")))?;
        let text =
            String::from_utf8(file.data.into_owned()).map_err(|_| Error::internal(format!("{name} is not UTF-8")))?;
        files.push((name.to_string(), text));
    }
    tera.add_raw_templates(files).context("templates")?;
    tera.register_function("t", crate::i18n::tera_translate);
    tera.register_filter("when", crate::i18n::tera_when);
    tera.register_filter("filesize", |value: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(crate::files::human_size(value.as_i64().unwrap_or_default())))
    });
    tera.register_filter("day", crate::i18n::tera_day);
    tera.register_filter("person", crate::i18n::tera_person);
    tera.register_filter("date_input", crate::i18n::tera_date_input);
    tera.register_filter("urlencode", |value: &tera::Value, _: &HashMap<String, tera::Value>| {
        let text = value.as_str().ok_or_else(|| tera::Error::msg("urlencode: expected text"))?;
        Ok(tera::Value::String(super::errors::urlencode(text)))
    });
    tera.autoescape_on(vec![".html"]);
    Ok(tera)
}

pub struct Assets {
    /// Logical name (`style.css`) → URL with hash (`/assets/style.1a2b3c4d.css`).
    pub urls: HashMap<String, String>,
    /// Hashed file name → (logical name, ETag).
    by_hashed: HashMap<String, (String, String)>,
}

impl Assets {
    pub fn load() -> Assets {
        let mut urls = HashMap::new();
        let mut by_hashed = HashMap::new();
        for name in AssetFiles::iter() {
            let Some(file) = AssetFiles::get(&name) else { continue };
            let hash = hex::encode(&Sha256::digest(&file.data)[..6]);
            let hashed = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{name}.{hash}"),
            };
            urls.insert(name.replace(['.', '-', '/'], "_"), format!("/assets/{hashed}"));
            by_hashed.insert(hashed, (name.to_string(), format!("\"{hash}\"")));
        }
        Assets { urls, by_hashed }
    }
}

async fn serve(req: HttpRequest, path: web::Path<String>, state: web::Data<super::AppState>) -> HttpResponse {
    let Some((name, etag)) = state.assets.by_hashed.get(path.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return HttpResponse::NotModified().finish();
    }
    let Some(file) = AssetFiles::get(name) else { return HttpResponse::NotFound().finish() };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    HttpResponse::Ok()
        .content_type(mime.essence_str())
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ETAG, etag.clone()))
        .body(file.data.into_owned())
}

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/assets/{file}", serve);
}
