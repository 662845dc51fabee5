//! Profile pictures: any allowed picture, cropped to its middle square in
//! two sizes, without metadata, kept in the same store as attachments.
//! Without one, pages show the person's initials.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::images;
use super::kinds::ImageKind;
use super::store::{blob_key, Store};
use super::upload::Incoming;
use crate::config::FileSettings;
use crate::db::schema::avatars;
use crate::db::{now, write_tx, AnyConnection, Db};
use crate::error::{Context, Error, Result};

/// The profile page's size, and the one beside names.
pub const LARGE: u32 = 256;
pub const SMALL: u32 = 64;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = avatars)]
pub struct Avatar {
    pub user_id: i64,
    pub large_sha256: String,
    pub small_sha256: String,
    pub content_type: String,
    pub updated_at: chrono::NaiveDateTime,
}

/// Makes `incoming` (a picture) `user_id`'s profile picture.
pub async fn set(db: &Db, store: &Store, settings: &FileSettings, user_id: i64, incoming: Incoming) -> Result<()> {
    let allowed = settings.allowed_types.clone();
    let (large, small) = actix_web::web::block(move || -> Result<_> {
        let kind = super::upload::identify(&incoming.path, &incoming.file_name, &allowed)?;
        if kind.image.is_none() {
            return Err(Error::invalid("file", "error-avatar-not-picture"));
        }
        let picture = images::decode(&incoming.path)?;
        let kind = if picture.color().has_alpha() { ImageKind::Png } else { ImageKind::Jpeg };
        Ok((
            images::encode(&images::square(&picture, LARGE), kind)?,
            images::encode(&images::square(&picture, SMALL), kind)?,
        ))
    })
    .await
    .context("making a profile picture")??;
    let (large_sha, small_sha) = (hex::encode(Sha256::digest(&large.bytes)), hex::encode(Sha256::digest(&small.bytes)));
    let content_type = large.content_type.to_owned();
    store.put_bytes(&blob_key(&large_sha), large.bytes).await?;
    store.put_bytes(&blob_key(&small_sha), small.bytes).await?;
    db.run(move |conn| {
        // Replaced as a whole: the multi-backend connection has no upsert.
        write_tx(conn, |conn| {
            diesel::delete(avatars::table.find(user_id)).execute(conn)?;
            diesel::insert_into(avatars::table)
                .values((
                    avatars::user_id.eq(user_id),
                    avatars::large_sha256.eq(&large_sha),
                    avatars::small_sha256.eq(&small_sha),
                    avatars::content_type.eq(&content_type),
                    avatars::updated_at.eq(now()),
                ))
                .execute(conn)?;
            Ok(())
        })
    })
    .await
}

/// Back to initials (the bytes go at the next cleanup pass).
pub fn remove(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::delete(avatars::table.find(user_id)).execute(conn)?;
    Ok(())
}

pub fn of(conn: &mut AnyConnection, user_id: i64) -> Result<Option<Avatar>> {
    Ok(avatars::table.find(user_id).select(Avatar::as_select()).first(conn).optional()?)
}

/// Every blob profile pictures use (for the cleanup pass).
pub fn blobs(conn: &mut AnyConnection) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> =
        avatars::table.select((avatars::large_sha256, avatars::small_sha256)).load(conn)?;
    Ok(rows.into_iter().flat_map(|(a, b)| [a, b]).collect())
}

/// Up to two letters for the picture-less: the first of the first two
/// words of the name (Thai names: the first consonant of each).
pub fn initials(display_name: &str, username: &str) -> String {
    let name = if display_name.trim().is_empty() { username } else { display_name };
    name.split_whitespace()
        .take(2)
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric() && !is_thai_leading_vowel(*c)))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Thai vowels written before their consonant (เ แ โ ใ ไ): an initial is
/// the consonant after them.
fn is_thai_leading_vowel(c: char) -> bool {
    ('\u{0E40}'..='\u{0E44}').contains(&c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_take_the_first_letter_of_two_words() {
        assert_eq!(super::initials("สมชาย ใจดี", "somchai"), "สจ");
        assert_eq!(super::initials("Kanya Fairu", "kanya"), "KF");
        assert_eq!(super::initials("", "malee"), "M");
        assert_eq!(super::initials("เกศินี แก้วใส", "k"), "กก");
    }
}
