//! Pictures: a copy without metadata (EXIF, GPS, camera serials — the
//! pixels are decoded and written again, turned upright first since the
//! orientation lived in that metadata), and a smaller preview for pages.

use std::io::{BufWriter, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use super::kinds::ImageKind;
use crate::error::{Error, Result};

/// Previews fit in this square: wide enough for a post on a laptop.
pub const PREVIEW_SIZE: u32 = 960;
/// Pictures larger than this either way are refused before decoding.
const MAX_SIDE: u32 = 16_384;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// An encoded picture and its size.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// What [`process`] made of a picture.
pub struct Processed {
    /// The copy to keep (none for GIFs, kept as uploaded so they still move).
    pub stripped: Option<Encoded>,
    pub width: u32,
    pub height: u32,
    /// A smaller copy, when the picture is larger than [`PREVIEW_SIZE`].
    pub preview: Option<Encoded>,
}

fn unreadable(e: impl std::fmt::Display) -> Error {
    tracing::info!(error = %e, "an uploaded picture could not be read");
    Error::invalid("file", "error-image-unreadable")
}

pub fn encode(image: &DynamicImage, kind: ImageKind) -> Result<Encoded> {
    let mut bytes = Vec::new();
    let content_type = {
        let mut out = BufWriter::new(&mut bytes);
        let written = match kind {
            ImageKind::Jpeg => {
                image.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut out, 88)).map(|_| "image/jpeg")
            }
            ImageKind::Webp => {
                image.to_rgba8().write_with_encoder(WebPEncoder::new_lossless(&mut out)).map(|_| "image/webp")
            }
            ImageKind::Png | ImageKind::Gif => image.write_with_encoder(PngEncoder::new(&mut out)).map(|_| "image/png"),
        };
        let content_type = written.map_err(|e| Error::internal(format!("cannot encode a picture: {e}")))?;
        out.flush().map_err(|e| Error::internal(format!("cannot encode a picture: {e}")))?;
        content_type
    };
    Ok(Encoded { bytes, content_type, width: image.width(), height: image.height() })
}

/// Decodes the picture at `path`, turned upright.
pub fn decode(path: &Path) -> Result<DynamicImage> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::open(path).map_err(unreadable)?.with_guessed_format().map_err(unreadable)?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Decodes the picture at `path` and makes its stripped copy and preview.
pub fn process(path: &Path, kind: ImageKind) -> Result<Processed> {
    let image = decode(path)?;
    let stripped = match kind {
        ImageKind::Gif => None,
        other => Some(encode(&image, other)?),
    };
    let preview = if image.width() > PREVIEW_SIZE || image.height() > PREVIEW_SIZE {
        let small = image.thumbnail(PREVIEW_SIZE, PREVIEW_SIZE);
        let preview_kind = if small.color().has_alpha() { ImageKind::Png } else { ImageKind::Jpeg };
        Some(encode(&small, preview_kind)?)
    } else {
        None
    };
    Ok(Processed { stripped, width: image.width(), height: image.height(), preview })
}

/// The middle square of `image`, `side` pixels wide (profile pictures).
pub fn square(image: &DynamicImage, side: u32) -> DynamicImage {
    let edge = image.width().min(image.height());
    let (x, y) = ((image.width() - edge) / 2, (image.height() - edge) / 2);
    image.crop_imm(x, y, edge, edge).resize_exact(side, side, image::imageops::FilterType::Lanczos3)
}
