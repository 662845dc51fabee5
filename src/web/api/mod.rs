//! The JSON API under `/api/v1`. It mirrors the pages and shares their
//! domain calls; errors come out as `application/problem+json`. Every
//! handler answers with a named type and carries a `#[utoipa::path]`, from
//! which [`openapi`] builds the API's description.

mod accounts;
mod answer_invitations;
mod experts;
pub mod files;
pub mod forum;
mod insights;
mod invitations;
mod km_plans;
mod knowledge;
mod moderation;
pub mod openapi;
mod search;
pub mod search_words;
mod watches;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    accounts::routes(cfg);
    answer_invitations::routes(cfg);
    experts::routes(cfg);
    files::routes(cfg);
    forum::routes(cfg);
    insights::routes(cfg);
    invitations::routes(cfg);
    km_plans::routes(cfg);
    knowledge::routes(cfg);
    moderation::routes(cfg);
    search::routes(cfg);
    search_words::routes(cfg);
    watches::routes(cfg);
    openapi::routes(cfg);
}
