//! Retrains the intent model from `models/intent/data/` (until `cams nlp train` is wired).
//!
//! `intent_train [DIR]` writes DIR/model.json and DIR/validation.txt;
//! `intent_train DIR --try '<TrainConfig JSON>'` only trains and prints the validation figures
//! and errors, for tuning.

use std::path::PathBuf;

use cams::nlp::intent::{
    Evaluation, IntentEngine, Origin, RuleModelEngine, TrainConfig, evaluate, is_validation,
    parse_examples, retrain_dir, train,
};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .first()
        .map_or_else(|| PathBuf::from("models/intent"), PathBuf::from);
    if args.get(1).map(String::as_str) == Some("--eval") {
        // Evaluates the embedded model on a JSONL file of examples.
        let path = PathBuf::from(args.get(2).map_or("", String::as_str));
        let examples = parse_examples(&std::fs::read_to_string(&path)?, &path)?;
        let engine = RuleModelEngine::embedded()?;
        for e in &examples {
            let p = engine.classify(&e.input());
            if p.intent != e.intent {
                println!(
                    "{} -> {} ({:.2}) {:?} | {} | {}",
                    e.intent,
                    p.intent,
                    p.confidence.get(),
                    p.rules_fired,
                    e.subject,
                    e.text
                        .replace('\n', " ")
                        .chars()
                        .take(160)
                        .collect::<String>()
                );
            }
        }
        print!("{}", evaluate(&engine, &examples));
        return Ok(());
    }
    if args.get(1).map(String::as_str) == Some("--probe") {
        let engine = RuleModelEngine::embedded()?;
        for line in std::io::stdin().lines() {
            let line = line?;
            let (subject, body) = line.split_once('|').unwrap_or(("", &line));
            let p = engine.classify(&cams::nlp::intent::IntentInput {
                subject,
                body,
                is_reply: subject.starts_with("Re:"),
                ..Default::default()
            });
            println!(
                "{} {:.2} {:?} | {line}",
                p.intent,
                p.confidence.get(),
                p.rules_fired
            );
        }
        return Ok(());
    }
    if args.get(1).map(String::as_str) == Some("--try") {
        let cfg: TrainConfig = match args.get(2) {
            Some(json) => serde_json::from_str(json)?,
            None => TrainConfig::default(),
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("data"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        let mut examples = Vec::new();
        for f in &files {
            examples.extend(parse_examples(&std::fs::read_to_string(f)?, f)?);
        }
        if args.get(3).map(String::as_str) == Some("--cv") {
            // 5-fold cross-validation over every own example, for tuning on more than the
            // validation fifth.
            let mut all = Evaluation::new();
            for fold in 0..5 {
                let mut own_seen = 0usize;
                let (mut tr, mut te) = (Vec::new(), Vec::new());
                for e in &examples {
                    if e.origin == Origin::Own {
                        own_seen += 1;
                        if own_seen % 5 == fold {
                            te.push(e.clone());
                            continue;
                        }
                    }
                    tr.push(e.clone());
                }
                let engine = RuleModelEngine::new(train(&tr, &cfg)?)?;
                for e in &te {
                    let p = engine.classify(&e.input());
                    all.record(e.intent, p.intent, p.confidence);
                    if p.intent != e.intent && args.get(4).map(String::as_str) == Some("-v") {
                        println!(
                            "{} -> {} ({:.2}) {:?} | {} | {}",
                            e.intent,
                            p.intent,
                            p.confidence.get(),
                            p.rules_fired,
                            e.subject,
                            e.text
                                .replace('\n', " ")
                                .chars()
                                .take(150)
                                .collect::<String>()
                        );
                    }
                }
            }
            print!("CV {all}");
            return Ok(());
        }
        let (mut val, tr): (Vec<_>, Vec<_>) = examples.into_iter().partition(is_validation);
        if args.get(3).map(String::as_str) == Some("--on") {
            // Measure on another file instead of the validation split.
            let path = PathBuf::from(args.get(4).map_or("", String::as_str));
            val = parse_examples(&std::fs::read_to_string(&path)?, &path)?;
        }
        let model = train(&tr, &cfg)?;
        let engine = RuleModelEngine::new(model)?;
        for e in &val {
            let p = engine.classify(&e.input());
            if p.intent != e.intent {
                println!(
                    "{} -> {} ({:.2}) {:?} | {}",
                    e.intent,
                    p.intent,
                    p.confidence.get(),
                    p.rules_fired,
                    e.text.replace('\n', " ")
                );
            }
        }
        println!("temperature {:.3}", engine.model().temperature());
        print!("{}", evaluate(&engine, &val));
        return Ok(());
    }
    let report = retrain_dir(&dir, &TrainConfig::default())?;
    print!("{report}");
    Ok(())
}
