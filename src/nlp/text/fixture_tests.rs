//! Golden tests over the `.eml` fixtures in `tests/fixtures/eml/`, one per client style and rule.

use super::*;

#[test]
fn dump_all_tmp() {
    let filter = std::env::var("EML").unwrap_or_default();
    let mut paths: Vec<_> = std::fs::read_dir("tests/fixtures/eml").unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        if !p.to_string_lossy().contains(&filter) { continue; }
        let raw = std::fs::read(&p).unwrap();
        println!("===== {}", p.display());
        match parse_email(&raw) {
            Ok(mut e) => { e.body = String::new(); println!("{}", serde_json::to_string_pretty(&e).unwrap()) },
            Err(err) => println!("ERR {err:?}"),
        }
    }
}
