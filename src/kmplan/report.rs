//! The annual report as a KM officer hands it in: one table of every
//! scope's areas, indicators and activities (CSV with a byte-order mark, so
//! Excel shows the Thai), and a chart of each indicator against its target,
//! drawn on the server as SVG. The printable page itself is a template.

use super::evidence::percent_of_target;
use super::views::PlanView;
use crate::error::Result;
use crate::i18n::Lang;
use crate::insights::export;

/// A figure as the report prints it: whole numbers without decimals.
pub fn number(value: Option<f64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

const HEADER: &[&str] = &[
    "km-col-scope",
    "km-col-part",
    "km-col-name",
    "km-col-kind",
    "km-col-target",
    "km-col-actual",
    "km-col-status",
    "km-col-starts",
    "km-col-ends",
];

/// The plan as one table, in `lang`.
pub fn table(lang: Lang, view: &PlanView) -> (Vec<String>, Vec<Vec<String>>) {
    let header = HEADER.iter().map(|key| lang.t(key)).collect();
    let date = |day: Option<chrono::NaiveDate>| day.map(|d| lang.date(d)).unwrap_or_default();
    let mut rows = Vec::new();
    for scope in &view.scopes {
        for area in &scope.areas {
            rows.push(vec![
                scope.title.clone(),
                lang.t("km-part-area"),
                area.title.clone(),
                area.tags.join(", "),
                String::new(),
                area.published_items.to_string(),
                lang.t(&format!("km-area-{}", area.status.as_str())),
                String::new(),
                String::new(),
            ]);
        }
        for indicator in &scope.indicators {
            rows.push(vec![
                scope.title.clone(),
                lang.t("km-part-indicator"),
                indicator.title.clone(),
                lang.t(&format!("km-source-{}", indicator.source.as_str())),
                number(Some(indicator.target)),
                number(indicator.actual),
                percent_of_target(indicator.target, indicator.actual).map(|p| format!("{p}%")).unwrap_or_default(),
                String::new(),
                String::new(),
            ]);
        }
        for activity in &scope.activities {
            rows.push(vec![
                scope.title.clone(),
                lang.t("km-part-activity"),
                activity.title.clone(),
                lang.t(&format!("km-step-{}", activity.step.as_str())),
                String::new(),
                String::new(),
                lang.t(&format!("km-activity-{}", activity.progress.as_str())),
                date(activity.starts_on),
                date(activity.ends_on),
            ]);
        }
    }
    (header, rows)
}

pub fn csv(lang: Lang, view: &PlanView) -> Result<Vec<u8>> {
    let (header, rows) = table(lang, view);
    export::csv(&header, &rows)
}

/// Each indicator's actual as a share of its target.
pub fn chart(lang: Lang, view: &PlanView) -> Result<Option<String>> {
    let indicators: Vec<_> = view.scopes.iter().flat_map(|s| &s.indicators).collect();
    if indicators.is_empty() {
        return Ok(None);
    }
    let labels: Vec<String> = indicators.iter().map(|i| i.title.clone()).collect();
    let values: Vec<i64> = indicators.iter().map(|i| percent_of_target(i.target, i.actual).unwrap_or(0)).collect();
    Ok(Some(export::bar_chart(&lang.t("km-chart-title"), &labels, &values)?))
}
