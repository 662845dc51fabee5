//! One-line confirmations after a form ("Your reply is posted"), shown on
//! the page the form redirects to, without JavaScript and without server
//! state: the redirect sets a short-lived cookie naming the message, and the
//! next page rendered shows it and clears the cookie. Only the words below
//! can be named, so a forged cookie can show nothing else.

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::HttpResponse;

pub const FLASH_COOKIE: &str = "sala_flash";

/// How long a flash waits for its page: a redirect is followed at once.
const FLASH_SECONDS: i64 = 60;

/// What just happened. The word names the translation `flash-<word>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Registered,
    Joined,
    Left,
    ThreadPosted,
    ReplyPosted,
    PostEdited,
    SettingsSaved,
    Accepted,
    Published,
    Archived,
    Distilled,
    ProfileSaved,
    EmailChangeSent,
    EmailChanged,
    AccountClosed,
    Invited,
    MembersChanged,
    InvitationDeclined,
    SignedIn,
    SparedAQuestion,
    TagsRenamed,
    SearchWordsChanged,
    KmPlanSaved,
}

impl Flash {
    const ALL: [Flash; 23] = [
        Flash::Registered,
        Flash::Joined,
        Flash::Left,
        Flash::ThreadPosted,
        Flash::ReplyPosted,
        Flash::PostEdited,
        Flash::SettingsSaved,
        Flash::Accepted,
        Flash::Published,
        Flash::Archived,
        Flash::Distilled,
        Flash::ProfileSaved,
        Flash::EmailChangeSent,
        Flash::EmailChanged,
        Flash::AccountClosed,
        Flash::Invited,
        Flash::MembersChanged,
        Flash::InvitationDeclined,
        Flash::SignedIn,
        Flash::SparedAQuestion,
        Flash::TagsRenamed,
        Flash::SearchWordsChanged,
        Flash::KmPlanSaved,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Flash::Registered => "registered",
            Flash::Joined => "joined",
            Flash::Left => "left",
            Flash::ThreadPosted => "thread-posted",
            Flash::ReplyPosted => "reply-posted",
            Flash::PostEdited => "post-edited",
            Flash::SettingsSaved => "settings-saved",
            Flash::Accepted => "answer-accepted",
            Flash::Published => "item-published",
            Flash::Archived => "item-archived",
            Flash::Distilled => "distilled",
            Flash::ProfileSaved => "profile-saved",
            Flash::EmailChangeSent => "email-change-sent",
            Flash::EmailChanged => "email-changed",
            Flash::AccountClosed => "account-closed",
            Flash::Invited => "invited",
            Flash::MembersChanged => "members-changed",
            Flash::InvitationDeclined => "invitation-declined",
            Flash::SignedIn => "signed-in",
            Flash::SparedAQuestion => "spared-a-question",
            Flash::TagsRenamed => "tags-renamed",
            Flash::SearchWordsChanged => "search-words-changed",
            Flash::KmPlanSaved => "km-plan-saved",
        }
    }

    pub fn parse(word: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.word() == word)
    }

    /// The translation key of the sentence shown.
    pub fn message_key(self) -> String {
        format!("flash-{}", self.word())
    }
}

fn cookie(value: &str, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(FLASH_COOKIE, value.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(max_age)
        .finish()
}

/// A 303 to `location` that shows `flash` there.
pub fn see_other_with(location: &str, flash: Flash) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .cookie(cookie(flash.word(), CookieDuration::seconds(FLASH_SECONDS)))
        .finish()
}

/// Clears the flash once an HTML page has answered the request that carried
/// it, so the confirmation shows once. Done here rather than where pages are
/// rendered because some pages (the thread page) are assembled from a cache.
pub async fn clear_once_shown(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let carried = req.cookie(FLASH_COOKIE).is_some();
    let mut res = next.call(req).await?;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let sets_flash = res.response().cookies().any(|c| c.name() == FLASH_COOKIE);
    if carried && is_page && !res.status().is_redirection() && !sets_flash {
        let _ = res.response_mut().add_cookie(&cookie("", CookieDuration::ZERO));
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flash_reads_back_from_its_word_and_nothing_else_does() {
        for flash in Flash::ALL {
            assert_eq!(Flash::parse(flash.word()), Some(flash));
        }
        assert_eq!(Flash::parse("<script>"), None);
    }
}
