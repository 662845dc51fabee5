//! Thai and English. Every word a user reads comes from `locales/*/main.ftl`
//! (Fluent); this module picks the language and formats dates, with the
//! Buddhist era for Thai.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};

static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "th",
        // Fluent wraps arguments in bidi isolation marks by default; Thai and
        // English are both left-to-right, and the marks would end up in titles.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "th")]
    Th,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().split(['-', '_']).next() {
            Some("th") => Some(Lang::Th),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Th => fluent_templates::langid!("th"),
            Lang::En => fluent_templates::langid!("en"),
        }
    }

    /// The user's setting, else the `sala_lang` cookie, else the first
    /// supported language in `Accept-Language` (by q-value), else Thai.
    pub fn negotiate(setting: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = setting.and_then(Lang::parse).or_else(|| cookie.and_then(Lang::parse)) {
            return lang;
        }
        let mut offers: Vec<(f32, Lang)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let q =
                    pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, lang)| *lang).unwrap_or_default()
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// The message `key`, if the translation files have it.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id(), key)
    }

    pub fn t_args(self, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> =
            args.iter().map(|(k, v)| (Cow::Owned((*k).to_owned()), v.clone())).collect();
        LOCALES.lookup_with_args(&self.id(), key, &map)
    }

    /// A date and time as people in Thailand read it: Bangkok time, and for
    /// Thai the Buddhist era (2026 → 2569) with Thai month names.
    pub fn datetime(self, utc: NaiveDateTime) -> String {
        let local = utc.and_utc().with_timezone(&bangkok());
        let month = self.t(&format!("month-short-{}", local.month()));
        let year = match self {
            Lang::Th => local.year() + 543,
            Lang::En => local.year(),
        };
        format!("{} {} {} {:02}:{:02}", local.day(), month, year, local.hour(), local.minute())
    }

    /// The year as this language counts it: Buddhist era in Thai.
    pub fn year(self, western: i32) -> i32 {
        match self {
            Lang::Th => western + BUDDHIST_ERA_OFFSET,
            Lang::En => western,
        }
    }

    /// A calendar date (a review date): "27 พ.ย. 2569", "27 Nov 2026".
    pub fn date(self, day: NaiveDate) -> String {
        let month = self.t(&format!("month-short-{}", day.month()));
        format!("{} {} {}", day.day(), month, self.year(day.year()))
    }

    /// A date as a form field holds it. Browsers' date pickers show Western
    /// years whatever the page's language, so Thai forms use a text field
    /// with day/month/Buddhist-era year instead (see [`parse_date_input`]).
    pub fn date_input(self, day: NaiveDate) -> String {
        match self {
            Lang::Th => format!("{:02}/{:02}/{}", day.day(), day.month(), self.year(day.year())),
            Lang::En => day.format("%Y-%m-%d").to_string(),
        }
    }
}

pub const BUDDHIST_ERA_OFFSET: i32 = 543;
/// Thailand is UTC+7 all year (no daylight saving).
pub const BANGKOK_OFFSET_HOURS: i64 = 7;

fn bangkok() -> FixedOffset {
    FixedOffset::east_opt((BANGKOK_OFFSET_HOURS * 3600) as i32).expect("UTC+7 is a valid offset")
}

/// Today in Bangkok (review dates, fiscal years, reading days).
pub fn bangkok_today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&bangkok()).date_naive()
}

/// The Bangkok day an instant (stored as UTC) falls on.
pub fn bangkok_day(utc: NaiveDateTime) -> NaiveDate {
    utc.and_utc().with_timezone(&bangkok()).date_naive()
}

/// Reads a date typed into a form: ISO `2026-11-27`, or day/month/year with
/// `/`, `-` or `.` between, where a year from 2400 on is Buddhist era
/// (27/11/2569). Western years that large are not dates anyone files.
pub fn parse_date_input(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Some(day);
    }
    let parts: Vec<&str> = raw.split(['/', '-', '.']).map(str::trim).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let (day, month, mut year): (u32, u32, i32) = (day.parse().ok()?, month.parse().ok()?, year.parse().ok()?);
    if year >= 2400 {
        year -= BUDDHIST_ERA_OFFSET;
    }
    if year < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

fn lang_arg(args: &HashMap<String, tera::Value>) -> Lang {
    args.get("lang").and_then(|v| v.as_str()).and_then(Lang::parse).unwrap_or_default()
}

/// `{{ post.author.display_name | person(lang=lang) }}`: a person's name,
/// or "former member" for a closed account (whose name was removed).
pub fn tera_person(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let name = value.as_str().unwrap_or_default();
    Ok(tera::Value::String(if name.is_empty() { lang_arg(args).t("former-member") } else { name.to_owned() }))
}

/// `{{ item.review_on | day(lang=lang) }}`: a calendar date to read.
pub fn tera_day(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = value.as_str().ok_or_else(|| tera::Error::msg("day: expected a date"))?;
    let day: NaiveDate = text.parse().map_err(|e| tera::Error::msg(format!("day: {e}")))?;
    Ok(tera::Value::String(lang_arg(args).date(day)))
}

/// `{{ form.review_on | date_input(lang=lang) }}`: a date as its form field
/// shows it; text that is not an ISO date (what someone typed) stays as is.
pub fn tera_date_input(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.as_str(),
        _ => "",
    };
    Ok(tera::Value::String(match text.parse::<NaiveDate>() {
        Ok(day) => lang_arg(args).date_input(day),
        Err(_) => text.to_owned(),
    }))
}

/// `{{ t(key="…", lang=lang, name=value…) }}` in templates.
pub fn tera_translate(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let key = args.get("key").and_then(|v| v.as_str()).ok_or_else(|| tera::Error::msg("t() needs key"))?;
    let lang = lang_arg(args);
    let extra: Vec<(&str, FluentValue<'static>)> = args
        .iter()
        .filter(|(k, _)| k.as_str() != "key" && k.as_str() != "lang")
        .map(|(k, v)| {
            let value = match v {
                tera::Value::Number(n) => match n.as_i64() {
                    Some(i) => FluentValue::from(i),
                    None => FluentValue::from(n.as_f64().unwrap_or_default()),
                },
                tera::Value::String(s) => FluentValue::from(s.clone()),
                other => FluentValue::from(other.to_string()),
            };
            (k.as_str(), value)
        })
        .collect();
    Ok(tera::Value::String(if extra.is_empty() { lang.t(key) } else { lang.t_args(key, &extra) }))
}

/// `{{ post.created_at | when(lang=lang) }}` in templates.
pub fn tera_when(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = value.as_str().ok_or_else(|| tera::Error::msg("when: expected a timestamp"))?;
    let parsed: NaiveDateTime = text.parse().map_err(|e| tera::Error::msg(format!("when: {e}")))?;
    Ok(tera::Value::String(lang_arg(args).datetime(parsed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_typed_in_thai_forms_read_back_from_the_buddhist_era() {
        let day = NaiveDate::from_ymd_opt(2027, 5, 1).unwrap();
        assert_eq!(Lang::Th.date_input(day), "01/05/2570");
        assert_eq!(parse_date_input("01/05/2570"), Some(day));
        assert_eq!(parse_date_input("1/5/2027"), Some(day));
        assert_eq!(parse_date_input(" 2027-05-01 "), Some(day));
        assert_eq!(Lang::Th.date(day), "1 พ.ค. 2570");
        assert_eq!(parse_date_input("31/02/2570"), None);
        assert_eq!(parse_date_input("1/5/70"), None);
        assert_eq!(parse_date_input("tomorrow"), None);
    }

    #[test]
    fn thai_dates_use_the_buddhist_era_and_bangkok_time() {
        let utc = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap().and_hms_opt(17, 45, 0).unwrap();
        assert_eq!(Lang::Th.datetime(utc), "25 พ.ย. 2569 00:45");
        assert_eq!(Lang::En.datetime(utc), "25 Nov 2026 00:45");
    }

    #[test]
    fn negotiation_prefers_setting_then_cookie_then_header_then_thai() {
        assert_eq!(Lang::negotiate(Some("en"), Some("th"), Some("th")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("en"), Some("th")), Lang::En);
        assert_eq!(Lang::negotiate(None, None, Some("fr-FR, en-GB;q=0.8, th;q=0.5")), Lang::En);
        assert_eq!(Lang::negotiate(None, None, Some("en;q=0.3, th-TH;q=0.9")), Lang::Th);
        assert_eq!(Lang::negotiate(None, None, Some("de")), Lang::Th);
        assert_eq!(Lang::negotiate(None, None, None), Lang::Th);
    }

    /// Both translations must define the same messages, so that neither
    /// language ever shows a raw key.
    #[test]
    fn thai_and_english_define_the_same_keys() {
        fn keys(lang: &str) -> std::collections::BTreeSet<String> {
            let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path)
                .unwrap()
                .lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .collect()
        }
        let (th, en) = (keys("th"), keys("en"));
        assert!(th.len() > 50);
        assert_eq!(th.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in English");
        assert_eq!(en.difference(&th).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in Thai");
    }
}
