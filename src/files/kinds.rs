//! What a file really is, from its first bytes: the name and the browser's
//! word are not trusted. Only kinds on the allowed list are kept.

use crate::error::{Error, Result};

/// How many leading bytes [`identify`] needs (office formats are ZIPs
/// whose first entries tell them apart).
pub const HEAD_BYTES: usize = 64 * 1024;

/// A recognised kind of file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kind {
    /// Its usual extension, as the allowed list names it.
    pub extension: String,
    pub content_type: String,
    /// Raster images shown in pages.
    pub image: Option<ImageKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Webp,
}

/// The usual extension of a name, lowercased.
fn name_extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, ext)| ext.to_lowercase()).unwrap_or_default()
}

/// Text that a browser or an office program would take for markup or a
/// script: refused as "plain text".
fn looks_like_markup(head: &[u8]) -> bool {
    let start: String = String::from_utf8_lossy(&head[..head.len().min(1024)]).trim_start().to_lowercase();
    ["<!doctype", "<html", "<script", "<svg", "<?xml", "<head", "<body", "<iframe"].iter().any(|m| start.starts_with(m))
        || start.contains("<script")
}

/// Plain text: UTF-8 (a character cut at the end of `head` is fine), no
/// NUL bytes, no markup.
fn is_plain_text(head: &[u8]) -> bool {
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid && !looks_like_markup(head)
}

fn refused() -> Error {
    Error::invalid("file", "error-file-type")
}

/// What `head` (the file's first [`HEAD_BYTES`]) is, if it is allowed.
/// `name` only chooses between kinds the bytes cannot tell apart (CSV or
/// plain text; an office document or a bare ZIP).
pub fn identify(head: &[u8], name: &str, allowed: &[String]) -> Result<Kind> {
    let by_name = name_extension(name);
    let kind = match infer::get(head) {
        Some(found) => {
            let (extension, content_type) = match found.extension() {
                "jpg" | "jpeg" => ("jpg", "image/jpeg"),
                // Office formats the first entries did not reveal: the name decides.
                "zip" if ["docx", "xlsx", "pptx", "odt", "ods", "odp"].contains(&by_name.as_str()) => {
                    (by_name.as_str(), office_type(&by_name))
                }
                other => (other, found.mime_type()),
            };
            let image = match extension {
                "jpg" => Some(ImageKind::Jpeg),
                "png" => Some(ImageKind::Png),
                "gif" => Some(ImageKind::Gif),
                "webp" => Some(ImageKind::Webp),
                _ => None,
            };
            Kind { extension: extension.to_owned(), content_type: content_type.to_owned(), image }
        }
        None if is_plain_text(head) => {
            let (extension, content_type) = match by_name.as_str() {
                "csv" => ("csv", "text/csv; charset=utf-8"),
                _ => ("txt", "text/plain; charset=utf-8"),
            };
            Kind { extension: extension.to_owned(), content_type: content_type.to_owned(), image: None }
        }
        None => return Err(refused()),
    };
    if !allowed.contains(&kind.extension) {
        return Err(refused());
    }
    Ok(kind)
}

fn office_type(extension: &str) -> &'static str {
    match extension {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        _ => "application/zip",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        crate::config::DEFAULT_FILE_TYPES.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        let pdf = identify(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "report.pdf", &allowed()).unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert!(identify(html, "report.pdf", &allowed()).is_err(), "HTML named .pdf");
        assert!(identify(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", "report.pdf", &allowed()).is_err(), "an ELF");
        assert!(identify(b"MZ\x90\0\x03\0\0\0\x04\0\0\0", "report.pdf", &allowed()).is_err(), "a Windows program");
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        assert!(identify(svg, "logo.png", &allowed()).is_err(), "SVG is markup, not a picture");
        let text = identify("ปีงบประมาณ 2570,งบ\n".as_bytes(), "plan.csv", &allowed()).unwrap();
        assert_eq!(text.extension, "csv");
        let png = identify(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "shot", &allowed()).unwrap();
        assert_eq!(png.image, Some(ImageKind::Png));
    }

    #[test]
    fn only_allowed_kinds_are_kept() {
        let only_pdf = vec!["pdf".to_owned()];
        assert!(identify(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.png", &only_pdf).is_err());
        assert!(identify(b"hello", "a.txt", &only_pdf).is_err());
    }
}
