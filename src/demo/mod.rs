//! Thai demo content written for Sala, so a fresh install has something to
//! show: three communities of practice, their boards, members, and threads
//! with reply trees. Loaded through the domain functions, so every rule that
//! holds for real content holds here too. [`scale`] generates data in bulk
//! for benchmarks.

pub mod scale;

use crate::accounts::{self, Registration, User};
use crate::authz::Viewer;
use crate::communities::{self, BoardInput, CommunityInput};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::threads::{self, NewThread};

pub const DEMO_PASSWORD: &str = "sala-demo-2569";
pub const CREDENTIALS_NOTE: &str =
    "Demo content loaded. Log in as admin, somchai, malee, wichai, nipa or john with the password sala-demo-2569 (demo only: change or remove these accounts before real use).";

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    admin: bool,
}

const USERS: &[DemoUser] = &[
    DemoUser { username: "admin", display_name: "ผู้ดูแลระบบ", admin: true },
    DemoUser { username: "somchai", display_name: "สมชาย ใจดี", admin: false },
    DemoUser { username: "malee", display_name: "มาลี รักเรียน", admin: false },
    DemoUser { username: "wichai", display_name: "วิชัย ช่างคิด", admin: false },
    DemoUser { username: "nipa", display_name: "นิภา ศรีสุข", admin: false },
    DemoUser { username: "john", display_name: "John Carter", admin: false },
];

struct DemoCommunity {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    facilitator: &'static str,
    members: &'static [&'static str],
    boards: &'static [(&'static str, &'static str, &'static str)],
}

const COMMUNITIES: &[DemoCommunity] = &[
    DemoCommunity {
        slug: "km-practice",
        name: "ชุมชนนักปฏิบัติการจัดการความรู้",
        description: "พื้นที่แลกเปลี่ยนของผู้รับผิดชอบงาน **KM** ในหน่วยงาน ตั้งแต่การบ่งชี้ความรู้ การสร้างและแสวงหาความรู้ จนถึงการแบ่งปันและการเรียนรู้\n\n> ความรู้ที่ไม่ได้แบ่งปัน คือความรู้ที่รอวันสูญหาย",
        facilitator: "malee",
        members: &["somchai", "wichai", "nipa", "john"],
        boards: &[
            ("qa", "ถาม-ตอบ", "ถามเรื่องการทำ KM ในหน่วยงาน แล้วช่วยกันตอบ"),
            ("stories", "เล่าประสบการณ์", "เรื่องเล่าความสำเร็จและบทเรียนจากการทำงานจริง"),
        ],
    },
    DemoCommunity {
        slug: "it-service",
        name: "ชุมชนงานบริการสารสนเทศ",
        description: "เจ้าหน้าที่ไอทีและผู้ใช้งานระบบสารสนเทศ แลกเปลี่ยนวิธีแก้ปัญหาที่เจอบ่อย",
        facilitator: "wichai",
        members: &["somchai", "nipa"],
        boards: &[("helpdesk", "แก้ปัญหาการใช้งาน", "ปัญหาเครื่องมือ ระบบ และบัญชีผู้ใช้")],
    },
    DemoCommunity {
        slug: "teaching",
        name: "ชุมชนการเรียนการสอน",
        description: "อาจารย์และบุคลากรสายสนับสนุนแบ่งปันเทคนิคการสอนและการวัดผล",
        facilitator: "nipa",
        members: &["malee", "john"],
        boards: &[("active-learning", "การเรียนรู้เชิงรุก", "เทคนิค Active Learning ที่ใช้ได้จริงในชั้นเรียน")],
    },
];

/// A reply: index of the reply it answers (None = the opening post), author, body.
type DemoReply = (Option<usize>, &'static str, &'static str);

struct DemoThread {
    community: &'static str,
    board: &'static str,
    kind: &'static str,
    author: &'static str,
    title: &'static str,
    body: &'static str,
    tags: &'static str,
    replies: &'static [DemoReply],
}

const THREADS: &[DemoThread] = &[
    DemoThread {
        community: "km-practice",
        board: "qa",
        kind: "question",
        author: "somchai",
        title: "จะเริ่มบ่งชี้ความรู้ที่จำเป็นของหน่วยงานอย่างไรดีครับ",
        body: "หน่วยงานผมเพิ่งได้รับมอบหมายให้ทำแผน KM ปีนี้ครับ\n\nอยากทราบว่าขั้นตอน **การบ่งชี้ความรู้** ควรเริ่มจากอะไร ระหว่าง\n\n1. เริ่มจากยุทธศาสตร์ขององค์กร\n2. เริ่มจากปัญหาหน้างานที่เจอบ่อย\n\nใครเคยทำมาแล้วช่วยแนะนำด้วยครับ",
        tags: "บ่งชี้ความรู้, km",
        replies: &[
            (None, "malee", "แนะนำให้เริ่มจาก **ประเด็นยุทธศาสตร์** ก่อนค่ะ แล้วถามว่า \"ถ้าจะทำให้สำเร็จ เราต้องรู้อะไร\" จากนั้นค่อยไล่ดูว่าความรู้นั้นอยู่กับใคร อยู่ในเอกสารหรืออยู่ในตัวคน"),
            (Some(0), "somchai", "ถ้าความรู้ส่วนใหญ่อยู่ในตัวคน (tacit) ควรเก็บออกมาอย่างไรครับ"),
            (Some(1), "malee", "ใช้การเล่าเรื่อง (storytelling) ในวง CoP แล้วมีคนจดประเด็นสำคัญค่ะ จากนั้นผู้อำนวยความสะดวกสรุปเป็นแนวปฏิบัติ — ซึ่งก็คือสิ่งที่ Sala ช่วยได้ตอนกลั่นกระทู้เป็นคลังความรู้"),
            (Some(2), "wichai", "เห็นด้วยครับ ทีมผมใช้แบบฟอร์มสั้น ๆ 3 ข้อ: ปัญหาคืออะไร, ทำอย่างไร, ได้บทเรียนอะไร"),
            (None, "nipa", "ขอเสริมว่าให้ทำ **แผนที่ความรู้** (knowledge map) ด้วยค่ะ จะเห็นช่องว่างชัดเจนขึ้น\n\n| ความรู้ | อยู่ที่ | ความเร่งด่วน |\n|---|---|---|\n| การจัดซื้อจัดจ้าง | คุณสมชาย | สูง |\n| ระบบสารบรรณ | เอกสาร | กลาง |"),
            (Some(4), "john", "Great table! In my previous team we also rated how *risky* it is to lose each piece of knowledge when someone retires."),
        ],
    },
    DemoThread {
        community: "km-practice",
        board: "stories",
        kind: "experience",
        author: "wichai",
        title: "บทเรียนจากการถอดความรู้ผู้เกษียณอายุราชการ",
        body: "ปีที่แล้วหัวหน้างานพัสดุของเราเกษียณ เราใช้เวลา 3 เดือนก่อนเกษียณถอดความรู้ออกมา\n\n- สัมภาษณ์สัปดาห์ละครั้ง ครั้งละไม่เกิน 1 ชั่วโมง\n- ให้ท่านเล่ากรณีที่ยากที่สุด ไม่ใช่ขั้นตอนปกติ\n- ~~เขียนคู่มือหนา ๆ~~ ทำเป็นบันทึกสั้นหลายเรื่องแทน\n\nผลคือน้องใหม่ทำงานแทนได้เร็วขึ้นมาก",
        tags: "ถอดความรู้, km",
        replies: &[
            (None, "malee", "ชอบข้อที่ให้เล่ากรณีที่ยากที่สุดมากค่ะ เพราะความรู้ฝังลึกมักซ่อนอยู่ตรงนั้น"),
            (Some(0), "somchai", "แล้วบันทึกสั้น ๆ เหล่านั้นเก็บไว้ที่ไหนครับ ค้นหายากไหม"),
            (Some(1), "wichai", "ตอนแรกเก็บในไดรฟ์ร่วม ค้นยากมากครับ ตอนนี้กำลังย้ายมาเป็นคลังความรู้ของชุมชน"),
        ],
    },
    DemoThread {
        community: "it-service",
        board: "helpdesk",
        kind: "question",
        author: "nipa",
        title: "เครื่องพิมพ์ส่วนกลางพิมพ์ภาษาไทยเป็นสี่เหลี่ยม",
        body: "พิมพ์เอกสารจากระบบสารบรรณแล้วตัวอักษรไทยกลายเป็น □□□ ทั้งหมดค่ะ ภาษาอังกฤษปกติ\n\nใครเคยเจอบ้างคะ",
        tags: "ฟอนต์ไทย, เครื่องพิมพ์",
        replies: &[
            (None, "wichai", "น่าจะเป็นเรื่องฟอนต์ครับ ลองตั้งค่าให้ฝังฟอนต์ (embed fonts) ตอนส่งออก PDF ก่อนพิมพ์ แล้วเลือกฟอนต์ TH Sarabun New"),
            (Some(0), "nipa", "ได้ผลแล้วค่ะ ขอบคุณมากค่ะ 🙏"),
            (None, "somchai", "อีกวิธีคืออัปเดตไดรเวอร์เครื่องพิมพ์ครับ รุ่นเก่าบางรุ่นไม่รองรับ Unicode"),
        ],
    },
    DemoThread {
        community: "teaching",
        board: "active-learning",
        kind: "experience",
        author: "nipa",
        title: "Think-Pair-Share ในห้องเรียน 120 คน",
        body: "ลองใช้ Think-Pair-Share กับวิชาพื้นฐานที่มีนักศึกษา 120 คน ได้ผลดีกว่าที่คิดค่ะ\n\n- [x] ให้คิดคนเดียว 1 นาที\n- [x] จับคู่คุย 3 นาที\n- [ ] สุ่มคู่มานำเสนอ (รอบหน้าจะลอง)\n\nรายละเอียดอ่านต่อได้ที่ https://example.org/active-learning",
        tags: "การสอน, active learning",
        replies: &[
            (None, "john", "I tried the same with 80 students. A visible countdown timer helped a lot."),
            (Some(0), "malee", "ใช้ตัวจับเวลาบนจอด้วยเหมือนกันค่ะ นักศึกษาตื่นตัวขึ้นมาก"),
        ],
    },
];

fn find_user<'a>(users: &'a [User], username: &str) -> &'a User {
    users.iter().find(|u| u.username == username).expect("demo data names only demo users")
}

/// Loads the demo content unless the site already has communities.
pub fn load_if_empty(conn: &mut AnyConnection) -> Result<bool> {
    use crate::db::schema::communities::dsl::communities;
    use diesel::prelude::*;
    let existing: i64 = communities.count().get_result(conn)?;
    if existing > 0 {
        return Ok(false);
    }
    load(conn)?;
    Ok(true)
}

pub fn load(conn: &mut AnyConnection) -> Result<()> {
    let mut users = Vec::new();
    for u in USERS {
        let user = match accounts::find_by_username(conn, u.username) {
            Ok(existing) => existing,
            Err(_) => accounts::register(
                conn,
                &Registration {
                    username: u.username.into(),
                    display_name: u.display_name.into(),
                    email: format!("{}@demo.sala.local", u.username),
                    password: DEMO_PASSWORD.into(),
                },
                u.admin,
            )
            .and_then(|user| accounts::confirm_email_directly(conn, user.id))?,
        };
        users.push(user);
    }
    let admin = Viewer::user(find_user(&users, "admin").id, true);
    let as_viewer = |name: &str| Viewer::user(find_user(&users, name).id, false);
    for c in COMMUNITIES {
        let community = communities::create(
            conn,
            admin,
            &CommunityInput {
                slug: c.slug.into(),
                name: c.name.into(),
                description: c.description.into(),
                is_public: true,
                review_months: None,
            },
        )?;
        communities::set_facilitator(conn, admin, community.id, find_user(&users, c.facilitator).id, true)?;
        for member in c.members {
            communities::join(conn, as_viewer(member), community.id)?;
        }
        for (i, (slug, name, description)) in c.boards.iter().enumerate() {
            communities::create_board(
                conn,
                as_viewer(c.facilitator),
                community.id,
                &BoardInput {
                    slug: (*slug).into(),
                    name: (*name).into(),
                    description: (*description).into(),
                    position: i as i32,
                    // Story boards start on "experience".
                    default_kind: (*slug == "stories").then_some(crate::vocab::ThreadKind::Experience),
                },
            )?;
        }
    }
    for t in THREADS {
        let community = communities::by_slug(conn, t.community)?;
        let board = communities::board_by_slug(conn, community.id, t.board)?;
        let (thread, _) = threads::create_thread(
            conn,
            as_viewer(t.author),
            board.id,
            &NewThread { kind: t.kind.into(), title: t.title.into(), body: t.body.into(), tags: t.tags.into() },
        )?;
        let mut reply_ids: Vec<i64> = Vec::new();
        for (parent, author, body) in t.replies {
            let parent_id = parent.map(|i| reply_ids[i]);
            let post = threads::reply(conn, as_viewer(author), thread.id, parent_id, body)?;
            reply_ids.push(post.id);
        }
        if t.title == THREADS[0].title {
            distill_first_thread(conn, as_viewer(t.author), as_viewer("malee"), thread.id, &reply_ids)?;
        }
    }
    km_plan(conn, admin, find_user(&users, "nipa"))
}

/// Nipa, the KM officer, has written this fiscal year's KM plan: two
/// scopes, areas tied to the demo's tags (one already has published
/// knowledge), activities on the seven steps and indicators.
fn km_plan(conn: &mut AnyConnection, admin: Viewer, officer: &User) -> Result<()> {
    use crate::kmplan::{self, ActivityStatus, IndicatorSource, KmStep, NewActivity, NewArea, NewIndicator, NewScope};
    use crate::vocab::ScopeCriterion;
    crate::kmplan::roles::grant(conn, admin, &officer.username, crate::vocab::SiteRole::KmOfficer)?;
    let nipa = officer.viewer();
    let fiscal_year = crate::insights::period::fiscal_year_of(crate::insights::period::bangkok_today());
    let plan = kmplan::create(
        conn,
        nipa,
        &kmplan::PlanFields {
            fiscal_year,
            title: format!("แผนการจัดการความรู้ ปีงบประมาณ {fiscal_year}"),
            strengths: "บุคลากรมีประสบการณ์สูง มีชุมชนนักปฏิบัติที่ใช้งานจริง".into(),
            weaknesses: "ความรู้สำคัญอยู่กับคนไม่กี่คน เอกสารกระจัดกระจาย".into(),
            opportunities: "ผู้บริหารให้ความสำคัญกับการเป็นองค์กรแห่งการเรียนรู้".into(),
            threats: "บุคลากรที่มีประสบการณ์จะเกษียณในอีกสามปี".into(),
            ..Default::default()
        },
    )?;
    let scopes = [
        (
            "การบ่งชี้และจัดทำแผนที่ความรู้",
            "หน่วยงานยังไม่รู้ว่าความรู้ที่จำเป็นอยู่กับใคร",
            vec![ScopeCriterion::Strategy, ScopeCriterion::Urgent],
            ("แผนที่ความรู้ของหน่วยงาน", "แผนที่ความรู้"),
            (KmStep::Identify, "สำรวจความรู้ที่จำเป็นตามประเด็นยุทธศาสตร์"),
        ),
        (
            "งานบริการสารสนเทศ",
            "ปัญหาเดิมถูกถามซ้ำทุกเดือน",
            vec![ScopeCriterion::VisibleImprovement, ScopeCriterion::StaffWantIt],
            ("การแก้ปัญหาเครื่องพิมพ์และเครือข่าย", "เครื่องพิมพ์"),
            (KmStep::Share, "เวทีเล่าเรื่องวิธีแก้ปัญหาที่เจอบ่อย"),
        ),
    ];
    for (title, reason, criteria, (area, tag), (step, activity)) in scopes {
        let scope = kmplan::add_scope(
            conn,
            nipa,
            plan.id,
            &NewScope { title: title.into(), reason: reason.into(), criteria, desired_state: String::new() },
        )?;
        let area_id = kmplan::add_area(
            conn,
            nipa,
            scope,
            &NewArea { title: area.into(), tags: vec![tag.into()], community: None },
        )?;
        kmplan::add_activity(
            conn,
            nipa,
            scope,
            &NewActivity {
                title: activity.into(),
                step,
                owner: Some(officer.username.clone()),
                starts_on: None,
                ends_on: None,
                status: ActivityStatus::InProgress,
                link: Some(format!("tag:{tag}")),
            },
        )?;
        kmplan::add_indicator(
            conn,
            nipa,
            scope,
            &NewIndicator {
                title: format!("ความรู้เรื่อง{area}ที่เผยแพร่"),
                source: IndicatorSource::PublishedItems,
                area_id: Some(area_id),
                target: 3.0,
                unit: "เรื่อง".into(),
            },
        )?;
    }
    Ok(())
}

/// The first question is answered and distilled, so the knowledge base has
/// an item to show.
fn distill_first_thread(
    conn: &mut AnyConnection,
    asker: Viewer,
    facilitator: Viewer,
    thread_id: i64,
    replies: &[i64],
) -> Result<()> {
    crate::knowledge::resolve(conn, asker, thread_id, Some(replies[0]))?;
    let item = crate::knowledge::distill(
        conn,
        facilitator,
        thread_id,
        &crate::knowledge::DistillInput {
            sections: crate::knowledge::Sections {
                title: "เริ่มบ่งชี้ความรู้จากยุทธศาสตร์ของหน่วยงาน".into(),
                summary: "ถามว่าเป้าหมายต้องใช้ความรู้อะไร แล้วทำแผนที่ว่าความรู้นั้นอยู่กับใคร อยู่ในเอกสารหรืออยู่ในตัวคน".into(),
                context: "หน่วยงานที่เพิ่งเริ่มทำแผน KM มักไม่แน่ใจว่าจะบ่งชี้ความรู้จากยุทธศาสตร์หรือจากปัญหาหน้างาน".into(),
                solution: "1. เริ่มจากประเด็นยุทธศาสตร์ แล้วถามว่า \"ถ้าจะทำให้สำเร็จ เราต้องรู้อะไร\"\n2. ทำ **แผนที่ความรู้**: ความรู้ อยู่ที่ใคร และความเร่งด่วน\n3. ความรู้ที่อยู่ในตัวคน ให้เก็บด้วยการเล่าเรื่องในวง CoP".into(),
                lessons: "- ให้ผู้รู้เล่ากรณีที่ยากที่สุด ความรู้ฝังลึกมักซ่อนอยู่ตรงนั้น\n- แบบฟอร์มสั้น ๆ สามข้อช่วยให้สรุปได้เร็ว".into(),
                tags: "บ่งชี้ความรู้, แผนที่ความรู้, km".into(),
                review_on: None,
            },
            cite: vec![replies[0], replies[4]],
        },
    )?;
    crate::knowledge::publish(conn, facilitator, item.id)?;
    Ok(())
}
