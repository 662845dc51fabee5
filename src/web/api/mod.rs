//! The JSON API under `/api/v1`. It mirrors the pages and shares their
//! domain calls; errors come out as `application/problem+json`.

mod accounts;
mod forum;
mod knowledge;
mod moderation;
mod search;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    accounts::routes(cfg);
    forum::routes(cfg);
    knowledge::routes(cfg);
    moderation::routes(cfg);
    search::routes(cfg);
}
