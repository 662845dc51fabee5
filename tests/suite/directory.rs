//! Signing in against a real directory: Debian's slapd, started for each
//! test with a throwaway database (people, one disabled, an admin group).

use std::process::Command;

use crate::both_backends;
use crate::harness::{api_login, json, Backend, TestApp, PASSWORD};
use sala::config::LdapSettings;

const SUFFIX: &str = "dc=example,dc=org";
const ROOT_DN: &str = "cn=admin,dc=example,dc=org";
const ROOT_PASSWORD: &str = "directory-root-secret";
pub const DIRECTORY_PASSWORD: &str = "directory-pass-2569";

/// A slapd serving a throwaway directory on a free port; stopped on drop.
pub struct Slapd {
    dir: tempfile::TempDir,
    pub url: String,
    /// With TLS: the `ldaps://` URL, and the CA file that signed its certificate.
    pub tls: Option<(String, std::path::PathBuf)>,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("slapd.pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn person(uid: &str, name: &str, extra: &str) -> String {
    format!(
        "dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\nsn: {name}\n\
         displayName: {name}\nmail: {uid}@example.org\nuserPassword: {DIRECTORY_PASSWORD}\n{extra}\n"
    )
}

impl Slapd {
    /// Starts slapd, or `None` (with a note) where it is not installed and
    /// the run does not require it.
    pub fn start() -> Option<Slapd> {
        Self::start_with(false)
    }

    /// Starts slapd with a certificate of a throwaway CA, on `ldaps://` and
    /// on `ldap://` where it refuses everything before StartTLS.
    pub fn start_tls() -> Option<Slapd> {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Option<Slapd> {
        if !std::path::Path::new("/usr/sbin/slapd").exists() {
            assert!(std::env::var("SALA_REQUIRE_LDAP").is_err(), "slapd is required (apt-get install slapd)");
            eprintln!("skipped: slapd not installed (tests/run installs it)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().display().to_string();
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let tls_conf = if tls {
            let made = Command::new("openssl")
                .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
                .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
                .arg(dir.path().join("key.pem"))
                .arg("-out")
                .arg(dir.path().join("ca.pem"))
                .output()
                .unwrap();
            assert!(made.status.success(), "openssl: {}", String::from_utf8_lossy(&made.stderr));
            // Binds, searches, everything needs TLS first.
            format!("TLSCertificateFile {path}/ca.pem\nTLSCertificateKeyFile {path}/key.pem\nsecurity tls=1\n")
        } else {
            String::new()
        };
        let conf = format!(
            "{tls_conf}include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n\
             pidfile {path}/slapd.pid\ndatabase mdb\nmaxsize 10485760\nsuffix \"{SUFFIX}\"\n\
             rootdn \"{ROOT_DN}\"\nrootpw {ROOT_PASSWORD}\ndirectory {path}/db\n"
        );
        std::fs::write(dir.path().join("slapd.conf"), conf).unwrap();
        let ldif = [
            format!("dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n"),
            format!("dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n"),
            format!("dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n"),
            format!("dn: cn=sala-service,{SUFFIX}\nobjectClass: simpleSecurityObject\nobjectClass: organizationalRole\ncn: sala-service\nuserPassword: service-secret\n"),
            person("somchai", "สมชาย ใจดี", ""),
            person("malee", "มาลี รักงาน", ""),
            person("pranee", "ปราณี ลาออก", "employeeType: disabled"),
            format!("dn: cn=sala-admins,ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: sala-admins\nmember: uid=malee,ou=people,{SUFFIX}\n"),
            format!("dn: cn=km-team,ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: km-team\nmember: uid=somchai,ou=people,{SUFFIX}\nmember: uid=malee,ou=people,{SUFFIX}\n"),
        ]
        .join("\n");
        std::fs::write(dir.path().join("data.ldif"), ldif).unwrap();
        let conf_path = dir.path().join("slapd.conf");
        let added = Command::new("/usr/sbin/slapadd")
            .arg("-f")
            .arg(&conf_path)
            .arg("-l")
            .arg(dir.path().join("data.ldif"))
            .output()
            .unwrap();
        assert!(added.status.success(), "slapadd: {}", String::from_utf8_lossy(&added.stderr));
        let free_port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let port = free_port();
        let url = format!("ldap://127.0.0.1:{port}");
        let tls = tls.then(|| (format!("ldaps://127.0.0.1:{}", free_port()), dir.path().join("ca.pem")));
        let listen = match &tls {
            Some((ldaps, _)) => format!("{url}/ {ldaps}/"),
            None => format!("{url}/"),
        };
        let started = Command::new("/usr/sbin/slapd").arg("-f").arg(&conf_path).arg("-h").arg(listen).output().unwrap();
        assert!(started.status.success(), "slapd did not start: {}", String::from_utf8_lossy(&started.stderr));
        let ports: Vec<u16> =
            [Some(port), tls.as_ref().map(|(ldaps, _)| ldaps.rsplit(':').next().unwrap().parse().unwrap())]
                .into_iter()
                .flatten()
                .collect();
        for _ in 0..50 {
            if ports.iter().all(|p| std::net::TcpStream::connect(("127.0.0.1", *p)).is_ok()) {
                return Some(Slapd { dir, url, tls });
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("slapd did not listen on {url}");
    }

    pub fn settings(&self) -> LdapSettings {
        LdapSettings {
            url: self.url.clone(),
            starttls: false,
            ca_file: None,
            bind_dn: format!("cn=sala-service,{SUFFIX}"),
            bind_password: "service-secret".into(),
            base_dn: SUFFIX.into(),
            // Disabled people are kept in the directory, and out by the filter.
            user_filter: "(&(|(uid={login})(mail={login}))(!(employeeType=disabled)))".into(),
            admin_group: Some("sala-admins".into()),
        }
    }

    /// Changes the directory as its administrator would (on a thread of
    /// its own: the synchronous client runs its own runtime).
    fn as_admin(&self, change: impl FnOnce(&mut ldap3::LdapConn) + Send + 'static) {
        let url = self.url.clone();
        std::thread::spawn(move || {
            let mut ldap = ldap3::LdapConn::new(&url).unwrap();
            ldap.simple_bind(ROOT_DN, ROOT_PASSWORD).unwrap().success().unwrap();
            change(&mut ldap);
        })
        .join()
        .unwrap();
    }

    pub fn rename(&self, uid: &str, name: &str) {
        let (dn, name) = (format!("uid={uid},ou=people,{SUFFIX}"), name.to_owned());
        self.as_admin(move |ldap| {
            let mods = vec![ldap3::Mod::Replace("displayName", std::collections::HashSet::from([name.as_str()]))];
            ldap.modify(&dn, mods).unwrap().success().unwrap();
        });
    }

    /// Takes `uid` out of the group `cn`.
    pub fn leave_group(&self, uid: &str, cn: &str) {
        let (group, member) = (format!("cn={cn},ou=groups,{SUFFIX}"), format!("uid={uid},ou=people,{SUFFIX}"));
        self.as_admin(move |ldap| {
            let mods = vec![ldap3::Mod::Delete("member", std::collections::HashSet::from([member.as_str()]))];
            ldap.modify(&group, mods).unwrap().success().unwrap();
        });
    }

    pub fn remove(&self, uid: &str) {
        let dn = format!("uid={uid},ou=people,{SUFFIX}");
        self.as_admin(move |ldap| {
            ldap.delete(&dn).unwrap().success().unwrap();
        });
    }
}

async fn directory_people_sign_in_with_the_directorys_password(backend: Backend) {
    let Some(slapd) = Slapd::start() else { return };
    let settings = slapd.settings();
    let app = TestApp::start_with(backend, move |c| {
        c.ldap = Some(settings);
        c.group_mappings = vec![sala::config::GroupMapping {
            group: "km-team".into(),
            community: "km".into(),
            role: sala::vocab::Role::Facilitator,
        }];
    })
    .await;
    let (km, _) = app.community("km");
    let role_in_km = |user_id: i64| app.role_in(&km, user_id);

    // By uid, through the form: a new account, named by the directory.
    let browser = app.browser();
    let page = browser.submit("/login", &[("login", "somchai"), ("password", DIRECTORY_PASSWORD), ("next", "/")]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(browser.get("/").await.body.contains("สมชาย ใจดี"), "named from the directory");
    let somchai = sala::accounts::find_by_username(&mut app.conn(), "somchai").unwrap();
    assert_eq!(somchai.email, "somchai@example.org");
    assert!(somchai.email_confirmed(), "the directory vouches for the address");
    assert!(!somchai.is_admin);
    assert_eq!(role_in_km(somchai.id), Some(sala::vocab::Role::Facilitator), "the km-team group's role in km");

    // By address, through the API: the same account.
    let (status, session) = api_login(&app, "somchai@example.org", DIRECTORY_PASSWORD).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user"]["id"].as_i64(), Some(somchai.id));
    assert_eq!(session["expires_in"], 8 * 3600, "organisation sign-ins last a working day");

    assert_eq!(api_login(&app, "somchai", "not the password").await.0, 401, "a wrong password");
    assert_eq!(api_login(&app, "pranee", DIRECTORY_PASSWORD).await.0, 401, "a disabled person");
    assert_eq!(api_login(&app, "nobody", DIRECTORY_PASSWORD).await.0, 401, "nobody by that name");

    // The admin group makes a site admin.
    let (status, session) = api_login(&app, "malee", DIRECTORY_PASSWORD).await;
    assert_eq!(status, 200);
    assert_eq!(session["user"]["is_admin"], true, "{session}");

    // Out of the group, out of the community, at the next sign-in.
    slapd.leave_group("somchai", "km-team");
    assert_eq!(api_login(&app, "somchai", DIRECTORY_PASSWORD).await.0, 200);
    assert_eq!(role_in_km(somchai.id), None);

    // A new name in the directory shows after the next sign-in.
    slapd.rename("somchai", "สมชาย ใจดีมาก");
    assert_eq!(api_login(&app, "somchai", DIRECTORY_PASSWORD).await.0, 200);
    let renamed = sala::accounts::find_by_username(&mut app.conn(), "somchai").unwrap();
    assert_eq!(renamed.display_name, "สมชาย ใจดีมาก");

    // Removed from the directory: no way in, not even a kept password.
    slapd.remove("somchai");
    assert_eq!(api_login(&app, "somchai", DIRECTORY_PASSWORD).await.0, 401);

    // A local account (made before the directory) still signs in with its own.
    app.user("localstaff", false);
    let (status, session) = api_login(&app, "localstaff", PASSWORD).await;
    assert_eq!((status, session["expires_in"].as_i64()), (200, Some(14 * 24 * 3600)), "local sessions last longer");
}
both_backends!(directory_people_sign_in_with_the_directorys_password);

/// A directory that does not answer (or refuses Sala's service account)
/// is reported, and never locks local accounts out.
async fn a_broken_directory_is_reported_and_local_admins_still_get_in(backend: Backend) {
    let Some(slapd) = Slapd::start() else { return };
    let mut settings = slapd.settings();
    settings.bind_password = "wrong service password".into();
    let app = TestApp::start_with(backend, move |c| c.ldap = Some(settings)).await;
    app.user("root", true);
    assert_eq!(api_login(&app, "root", PASSWORD).await.0, 200, "the local admin gets in");
    let (status, problem) = api_login(&app, "somchai", DIRECTORY_PASSWORD).await;
    assert_eq!(status, 503, "directory people wait: {problem}");
    let (status, health) = json(app.api().get(app.url("/healthz")).send().await.unwrap()).await;
    assert_eq!(status, 200, "the instance still serves: {health}");
    assert!(health["warnings"][0].as_str().unwrap().contains("SALA_LDAP_BIND_DN"), "{health}");
}
both_backends!(a_broken_directory_is_reported_and_local_admins_still_get_in);

/// The directory over TLS, both ways (`ldaps://` and StartTLS), trusting
/// the organisation's CA from `SALA_LDAP_CA_FILE`; a certificate nobody
/// vouches for is refused, and so is plain LDAP where the directory wants TLS.
async fn the_directory_is_reached_over_ldaps_and_starttls(backend: Backend) {
    let Some(slapd) = Slapd::start_tls() else { return };
    let (ldaps, ca) = slapd.tls.clone().unwrap();
    let plain = slapd.settings();
    let over_ldaps = LdapSettings { url: ldaps.clone(), ca_file: Some(ca.clone()), ..plain.clone() };
    let over_starttls = LdapSettings { starttls: true, ca_file: Some(ca), ..plain.clone() };
    let untrusted = LdapSettings { url: ldaps, ..plain.clone() };
    for (settings, expected, what) in [
        (over_ldaps, 200, "LDAPS"),
        (over_starttls, 200, "StartTLS"),
        (untrusted, 503, "an unknown CA"),
        (plain, 503, "no TLS"),
    ] {
        let app = TestApp::start_with(backend, move |c| c.ldap = Some(settings)).await;
        let (status, body) = api_login(&app, "somchai", DIRECTORY_PASSWORD).await;
        assert_eq!(status, expected, "{what}: {body}");
    }
}
both_backends!(the_directory_is_reached_over_ldaps_and_starttls);
