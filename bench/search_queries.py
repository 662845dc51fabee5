#!/usr/bin/env python3
"""100 mixed search queries against a running Sala, for bench/search.

Usage: search_queries.py HOST:PORT ROUNDS
Prints one Markdown table row body per query class, then one for all:
"class (n) | p50 | p95 | max | mean results".
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

THAI_WORDS = [
    "ความรู้", "บ่งชี้", "เป้าหมาย", "ฝังลึก", "เล่าเรื่อง", "ชุมชนนักปฏิบัติ", "วงแลกเปลี่ยน", "บทเรียน",
    "คลังความรู้", "เอกสาร", "กระจัดกระจาย", "ผู้อำนวยความสะดวก", "ประเด็นสำคัญ", "ถอดบทเรียน", "เกษียณ",
    "น้องใหม่", "แบบฟอร์ม", "เครื่องพิมพ์", "ฟอนต์", "ไฟล์", "จัดซื้อจัดจ้าง", "ตัวอย่าง", "ผู้บริหาร",
    "วันศุกร์", "แบ่งปัน", "สูญหาย", "ผู้รับผิดชอบ", "หัวหน้างาน", "ขั้นตอน", "ภาษาไทย",
]
THAI_TWO = [
    "ความรู้ องค์กร", "บทเรียน เกษียณ", "เอกสาร ค้นหา", "เครื่องพิมพ์ ฟอนต์", "ผู้บริหาร แบ่งปัน",
    "ชุมชน แลกเปลี่ยน", "ปัญหา บทเรียน", "จัดซื้อ เอกสาร", "น้องใหม่ ทำงาน", "ประเด็น สรุป",
    "ความรู้ สูญหาย", "วางแผน ทีม", "คลังความรู้ บันทึก", "เป้าหมาย บรรลุ", "ฝังลึก เล่าเรื่อง",
    "ไฟล์ ส่งออก", "ตัวอย่าง ล่าสุด", "บ่าย ศุกร์", "แบบฟอร์ม สามข้อ", "ทบทวน หัวหน้างาน",
]
ENGLISH = [
    "knowledge", "template", "macro", "monthly report", "tacit", "newcomer", "circle", "export",
    "lessons", "update", "problem", "knowledge base", "hardest", "automated", "sharing",
]
MIXED = [
    "KM ทีม", "knowledge คลังความรู้", "template แบบฟอร์ม", "macro รายงาน", "report ไฟล์",
    "tacit ฝังลึก", "lessons บทเรียน", "example.org ดูเพิ่มเติม", "KM วางแผน", "newcomer น้องใหม่",
]
PHRASES = [
    '"knowledge base"', '"คลังความรู้"', '"ชุมชนนักปฏิบัติ"', '"monthly report"', '"what did we learn"',
    '"ความรู้ฝังลึก"', '"แลกเปลี่ยนเรียนรู้"', '"our macro broke"', '"ถอดบทเรียน"', '"ฝังฟอนต์"',
]
FILTERED = [
    {"q": "ความรู้", "type": "knowledge"}, {"q": "บทเรียน", "type": "reply"}, {"q": "เอกสาร", "resolved": "1"},
    {"q": "knowledge", "community": "cop-1"}, {"q": "เครื่องพิมพ์", "from": "2025-01-01"},
    {"q": "แบบฟอร์ม", "type": "thread"}, {"q": "macro", "resolved": "1"}, {"q": "ผู้บริหาร", "community": "cop-2"},
    {"q": "ความรู้", "to": "2024-01-31"}, {"q": "template", "type": "thread", "community": "cop-1"},
]
RARE = ["ทุเรียน", "blockchain", "ฟ้าทะลายโจร", "kubernetes", "ภาษีมูลค่าเพิ่ม"]

CLASSES = [
    ("Thai word", [{"q": q} for q in THAI_WORDS]),
    ("two Thai words", [{"q": q} for q in THAI_TWO]),
    ("English", [{"q": q} for q in ENGLISH]),
    ("mixed Thai-English", [{"q": q} for q in MIXED]),
    ("quoted phrase", [{"q": q} for q in PHRASES]),
    ("with filters", FILTERED),
    ("rare or absent word", [{"q": q} for q in RARE]),
]


def main():
    host, rounds = sys.argv[1], int(sys.argv[2])
    assert sum(len(c[1]) for c in CLASSES) == 100
    conn = http.client.HTTPConnection(host, timeout=30)

    def run(params):
        path = "/api/v1/search?" + urllib.parse.urlencode(params)
        start = time.perf_counter()
        conn.request("GET", path)
        res = conn.getresponse()
        body = res.read()
        elapsed = (time.perf_counter() - start) * 1000
        if res.status != 200:
            raise SystemExit(f"{path}: HTTP {res.status} {body[:200]!r}")
        return elapsed, json.loads(body)["total"]

    for _, queries in CLASSES:  # warm-up
        for params in queries:
            run(params)
    everything = []
    for name, queries in CLASSES:
        times, totals = [], []
        for _ in range(rounds):
            for params in queries:
                ms, total = run(params)
                times.append(ms)
                totals.append(total)
        everything += times
        print(row(f"{name} ({len(queries)})", times, statistics.mean(totals)))
    print(row("**all (100)**", everything, None))


def row(label, times, mean_total):
    times = sorted(times)
    p50 = times[len(times) // 2]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    mean = "" if mean_total is None else f"{mean_total:.0f}"
    return f"{label} | {p50:.1f} | {p95:.1f} | {max(times):.1f} | {mean}"


if __name__ == "__main__":
    main()
