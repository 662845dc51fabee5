// The query set the recall test uses.
include!("../../../tests/suite/search_set.rs");
use std::collections::HashSet;
use std::time::Instant;

fn keep(t: &str) -> Option<String> {
    let t = t.trim().to_lowercase();
    if t.chars().any(|c| c.is_alphanumeric()) {
        Some(t)
    } else {
        None
    }
}

/// For each segmenter: how many (query, expected post) pairs of the query
/// set have every query term among the post's terms (what search needs);
/// the same for 31 common words in the seed article's paragraphs; and
/// throughput over the whole article.
fn main() {
    let icu_dict = icu_segmenter::WordSegmenter::new_dictionary(Default::default());
    let icu_lstm = icu_segmenter::WordSegmenter::new_lstm(Default::default());
    let data = wordcut_engine::default_dict_path().parent().expect("data folder").to_path_buf();
    let words: Vec<String> =
        std::fs::read_to_string(data.join("words_th.txt")).unwrap().lines().map(|s| s.to_string()).collect();
    let newmm = nlpo3::tokenizer::newmm::NewmmTokenizer::from_word_list(words);
    let wc = wordcut_engine::Wordcut::new(wordcut_engine::load_dict(data.join("thai.txt")).unwrap());
    use nlpo3::tokenizer::tokenizer_trait::Tokenizer;
    let segs: Vec<(&str, Box<dyn Fn(&str) -> Vec<String>>)> = vec![
        (
            "icu_segmenter (dictionary)",
            Box::new(move |s: &str| {
                let b: Vec<usize> = icu_dict.segment_str(s).collect();
                b.windows(2).filter_map(|w| keep(&s[w[0]..w[1]])).collect()
            }),
        ),
        (
            "icu_segmenter (lstm)",
            Box::new(move |s: &str| {
                let b: Vec<usize> = icu_lstm.segment_str(s).collect();
                b.windows(2).filter_map(|w| keep(&s[w[0]..w[1]])).collect()
            }),
        ),
        (
            "nlpo3 newmm (words_th)",
            Box::new(move |s: &str| newmm.segment(s, false, false).unwrap().iter().filter_map(|t| keep(t)).collect()),
        ),
        (
            "wordcut-engine/chamkho (thai.txt)",
            Box::new(move |s: &str| wc.segment_into_strings(s).iter().filter_map(|t| keep(t)).collect()),
        ),
    ];
    let seed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/km-thai-2013.txt")).unwrap();
    let paras: Vec<&str> = seed.lines().filter(|l| l.trim().chars().count() > 80).collect();
    let seed_words = [
        "แลกเปลี่ยนเรียนรู้",
        "ความรู้ฝังลึก",
        "ยุทธศาสตร์",
        "บุคลากร",
        "วัฒนธรรม",
        "ประสิทธิภาพ",
        "นวัตกรรม",
        "เทคโนโลยีสารสนเทศ",
        "ผู้บริหาร",
        "กระบวนการ",
        "เรียนรู้",
        "ข้าราชการ",
        "ประมวล",
        "ทัศนคติ",
        "วิสัยทัศน์",
        "สม่ำเสมอ",
        "แบ่งปัน",
        "คู่มือ",
        "ผู้เชี่ยวชาญ",
        "สารสนเทศ",
        "ทักษะ",
        "ประสบการณ์",
        "เอกสาร",
        "ความรู้ที่ชัดแจ้ง",
        "การถ่ายทอด",
        "องค์กรแห่งการเรียนรู้",
        "พนักงาน",
        "ลูกค้า",
        "เป้าหมาย",
        "ปรับปรุง",
        "สร้างสรรค์",
    ];
    for (name, seg) in &segs {
        let mut hit = 0;
        let mut all = 0;
        for (q, keys) in SEARCH_QUERIES {
            let qt = seg(q);
            for k in keys.iter() {
                let (_, t, b) = SEARCH_DOCS.iter().find(|d| d.0 == *k).unwrap();
                let dt: HashSet<String> = seg(&format!("{t} {b}")).into_iter().collect();
                all += 1;
                if qt.iter().all(|x| dt.contains(x)) {
                    hit += 1
                } else {
                    eprintln!("  {name} miss {q} -> {qt:?}")
                }
            }
        }
        let mut shit = 0;
        let mut sall = 0;
        for w in seed_words {
            let qt = seg(w);
            for p in &paras {
                if p.contains(w) {
                    sall += 1;
                    let dt: HashSet<String> = seg(p).into_iter().collect();
                    if qt.iter().all(|x| dt.contains(x)) {
                        shit += 1
                    }
                }
            }
        }
        let start = Instant::now();
        let mut n = 0;
        for _ in 0..10 {
            n += seg(&seed).len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name}: query set {hit}/{all}; seed words {shit}/{sall}; {:.2} MB/s ({n} tokens)",
            seed.len() as f64 * 10.0 / secs / 1e6
        );
    }
}
