//! The periods KM is reported for: the Thai fiscal year (1 October to
//! 30 September, named by the Buddhist-era year it ends in), its quarters,
//! a month, or any span of days. Days are Bangkok days; the database keeps
//! UTC, so a period becomes a half-open range of UTC instants.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Result, Validator};
pub use crate::i18n::{bangkok_day, bangkok_today};
use crate::i18n::{BANGKOK_OFFSET_HOURS, BUDDHIST_ERA_OFFSET};

/// The longest span a report covers.
const MAX_DAYS: i64 = 5 * 366;

/// The fiscal year (Buddhist era) a day falls in.
pub fn fiscal_year_of(day: NaiveDate) -> i32 {
    let ends_in = if day.month() >= 10 { day.year() + 1 } else { day.year() };
    ends_in + BUDDHIST_ERA_OFFSET
}

/// Days from `from` to `to`, both included, in Bangkok time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// How a report's period is asked for: a fiscal year (`fy`, Buddhist era),
/// optionally one of its quarters (`quarter` 1–4, the first from October)
/// or a month (`month`, `YYYY-MM`); or `from` and `to` (inclusive). Nothing
/// means the current fiscal year.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// Fiscal year in the Buddhist era, e.g. 2570 (1 Oct 2026 – 30 Sep 2027).
    pub fy: Option<String>,
    /// A quarter of that fiscal year, 1–4.
    pub quarter: Option<String>,
    /// A month, `YYYY-MM` (common era).
    pub month: Option<String>,
    /// First day, `YYYY-MM-DD` (Bangkok), inclusive.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (Bangkok), inclusive.
    pub to: Option<String>,
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Period {
    /// The fiscal year named `be` (Buddhist era).
    pub fn fiscal_year(be: i32) -> Period {
        let ends = be - BUDDHIST_ERA_OFFSET;
        Period { from: ymd(ends - 1, 10, 1), to: ymd(ends, 9, 30) }
    }

    /// Quarter `q` (1–4) of fiscal year `be`: the first is October–December.
    pub fn quarter(be: i32, q: u32) -> Period {
        let from = Period::fiscal_year(be).from + Months::new(3 * (q.clamp(1, 4) - 1));
        Period { from, to: from + Months::new(3) - Duration::days(1) }
    }

    pub fn month(year: i32, month: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Period { from, to: from + Months::new(1) - Duration::days(1) })
    }

    pub fn current_fiscal_year() -> Period {
        Period::fiscal_year(fiscal_year_of(bangkok_today()))
    }

    /// Reads what a page's or the API's query asks for.
    pub fn from_query(query: &PeriodQuery) -> Result<Period> {
        let mut v = Validator::default();
        let mut period = Period::current_fiscal_year();
        if let Some(raw) = given(&query.fy) {
            match raw.parse::<i32>().ok().filter(|be| (2500..=2700).contains(be)) {
                Some(be) => {
                    period = Period::fiscal_year(be);
                    if let Some(q) = given(&query.quarter) {
                        match q.parse::<u32>().ok().filter(|q| (1..=4).contains(q)) {
                            Some(q) => period = Period::quarter(be, q),
                            None => {
                                v.check(false, FieldError::new("quarter", "error-invalid-choice"));
                            }
                        }
                    }
                }
                None => {
                    v.check(false, FieldError::new("fy", "error-invalid-choice"));
                }
            }
        }
        if let Some(raw) = given(&query.month) {
            let month = raw.split_once('-').and_then(|(y, m)| Period::month(y.parse().ok()?, m.parse().ok()?));
            match month {
                Some(month) => period = month,
                None => {
                    v.check(false, FieldError::new("month", "error-date-format"));
                }
            }
        }
        let from = given(&query.from).map(|raw| (raw, crate::i18n::parse_date_input(raw)));
        let to = given(&query.to).map(|raw| (raw, crate::i18n::parse_date_input(raw)));
        for (field, day) in [("from", from), ("to", to)] {
            if let Some((_, None)) = day {
                v.check(false, FieldError::new(field, "error-date-format"));
            }
        }
        if let Some((_, Some(day))) = from {
            period.from = day;
        }
        if let Some((_, Some(day))) = to {
            period.to = day;
        }
        v.check(period.to >= period.from, FieldError::new("to", "error-period-order"));
        v.check(period.days() <= MAX_DAYS, FieldError::with_limit("to", "error-period-too-long", MAX_DAYS));
        v.finish()?;
        Ok(period)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The same span just before: the previous fiscal year, quarter or
    /// month when the period is whole months; as many days before otherwise.
    pub fn previous(&self) -> Period {
        let whole_months = self.from.day() == 1 && (self.to + Duration::days(1)).day() == 1;
        if whole_months {
            let next = self.to + Duration::days(1);
            let months = (next.year() - self.from.year()) * 12 + next.month() as i32 - self.from.month() as i32;
            let from = self.from - Months::new(months as u32);
            return Period { from, to: self.from - Duration::days(1) };
        }
        Period { from: self.from - Duration::days(self.days()), to: self.from - Duration::days(1) }
    }

    /// The UTC instants the period covers: `[start, end)`.
    pub fn utc_range(&self) -> (NaiveDateTime, NaiveDateTime) {
        let start = self.from.and_hms_opt(0, 0, 0).expect("midnight exists") - Duration::hours(BANGKOK_OFFSET_HOURS);
        let end = (self.to + Duration::days(1)).and_hms_opt(0, 0, 0).expect("midnight exists")
            - Duration::hours(BANGKOK_OFFSET_HOURS);
        (start, end)
    }

    /// The fiscal year the period lies in, when it lies in exactly one.
    pub fn within_fiscal_year(&self) -> Option<i32> {
        let fy = fiscal_year_of(self.from);
        (fiscal_year_of(self.to) == fy).then_some(fy)
    }

    /// Whether the period is exactly fiscal year `be`.
    pub fn is_fiscal_year(&self) -> Option<i32> {
        self.within_fiscal_year().filter(|be| *self == Period::fiscal_year(*be))
    }

    /// The months the period touches, each as a period (for charts).
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut at = self.from.with_day(1).expect("day 1 exists");
        while at <= self.to && months.len() < 120 {
            if let Some(month) = Period::month(at.year(), at.month()) {
                months.push(Period { from: month.from.max(self.from), to: month.to.min(self.to) });
            }
            at = at + Months::new(1);
        }
        months
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid calendar day")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_run_october_to_september_named_by_the_buddhist_year_they_end_in() {
        assert_eq!(Period::fiscal_year(2570), Period { from: ymd(2026, 10, 1), to: ymd(2027, 9, 30) });
        assert_eq!(fiscal_year_of(ymd(2026, 9, 30)), 2569);
        assert_eq!(fiscal_year_of(ymd(2026, 10, 1)), 2570);
        assert_eq!(Period::quarter(2570, 2), Period { from: ymd(2027, 1, 1), to: ymd(2027, 3, 31) });
        assert_eq!(Period::fiscal_year(2570).previous(), Period::fiscal_year(2569));
        assert_eq!(Period::quarter(2570, 1).previous(), Period::quarter(2569, 4));
        assert_eq!(Period::month(2027, 3).unwrap().previous(), Period::month(2027, 2).unwrap());
    }

    #[test]
    fn a_bangkok_day_starts_at_five_in_the_evening_utc_the_day_before() {
        let (start, end) = Period::fiscal_year(2570).utc_range();
        assert_eq!(start, ymd(2026, 9, 30).and_hms_opt(17, 0, 0).unwrap());
        assert_eq!(end, ymd(2027, 9, 30).and_hms_opt(17, 0, 0).unwrap());
        assert_eq!(bangkok_day(ymd(2026, 9, 30).and_hms_opt(17, 30, 0).unwrap()), ymd(2026, 10, 1));
    }
}
