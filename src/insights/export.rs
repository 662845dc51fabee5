//! Insights as a KM team hands them in: tables as CSV that Excel opens
//! with Thai intact (UTF-8 with a byte-order mark), and charts drawn on the
//! server as SVG (no script needed to see them).

use plotters::prelude::*;

use crate::error::{Context, Result};

/// Excel reads a CSV as the machine's legacy code page unless it starts
/// with UTF-8's byte-order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A table as CSV with a byte-order mark: a header row, then the rows.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut out = UTF8_BOM.to_vec();
    {
        let mut writer = ::csv::Writer::from_writer(&mut out);
        writer.write_record(header.iter().map(|cell| inert(cell))).context("writing a CSV header")?;
        for row in rows {
            writer.write_record(row.iter().map(|cell| inert(cell))).context("writing a CSV row")?;
        }
        writer.flush().context("finishing a CSV")?;
    }
    Ok(out)
}

/// A cell a spreadsheet will not run: text that starts like a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// apostrophe, which Excel and LibreOffice show as plain text. Numbers
/// stay numbers. Search queries and titles are typed by anyone.
fn inert(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// One bar per label, with the title above; an accessible SVG whose text
/// stays text (Thai is shaped by the reader's browser).
pub fn bar_chart(title: &str, labels: &[String], values: &[i64]) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 260)).into_drawing_area();
        root.fill(&WHITE).context("drawing a chart")?;
        let top = values.iter().copied().max().unwrap_or(0).max(1);
        let n = labels.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(40)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0..top + top / 5 + 1)
            .context("laying out a chart")?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .y_labels(5)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .label_style(("sans-serif", 12))
            .draw()
            .context("drawing a chart's axes")?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(RGBColor(0x2f, 0x6f, 0x5e).filled())
                    .margin(6)
                    .data(values.iter().enumerate().map(|(i, v)| (i, *v))),
            )
            .context("drawing a chart's bars")?;
        root.present().context("finishing a chart")?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_starts_with_a_byte_order_mark_and_keeps_thai() {
        let bytes = csv(&["ตัวชี้วัด".into(), "ค่า".into()], &[vec!["คำถาม, ที่ตอบแล้ว".into(), "3".into()]]).unwrap();
        assert!(bytes.starts_with(UTF8_BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "ตัวชี้วัด,ค่า\n\"คำถาม, ที่ตอบแล้ว\",3\n");
    }

    #[test]
    fn charts_are_svg_with_their_labels_as_text() {
        let svg = bar_chart("คำถามต่อเดือน", &["ต.ค. 2569".into(), "พ.ย. 2569".into()], &[3, 5]).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("คำถามต่อเดือน") && svg.contains("ต.ค. 2569"));
    }

    #[test]
    fn cells_that_start_like_formulas_stay_text() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_owned(),
            "-12.5".to_owned(),
            "@SUM(A1)".to_owned(),
            "งบ".to_owned(),
        ]];
        let bytes = csv(&["q".to_owned(), "n".to_owned(), "a".to_owned(), "t".to_owned()], &rows).unwrap();
        let text = std::str::from_utf8(&bytes[UTF8_BOM.len()..]).unwrap();
        assert_eq!(text.lines().nth(1).unwrap(), "\"'=HYPERLINK(\"\"http://x\"\")\",-12.5,'@SUM(A1),งบ");
    }
}
