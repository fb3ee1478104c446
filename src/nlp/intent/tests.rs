//! Unit tests of the intent engine on realistic short emails, of its output contract, and of
//! training (determinism, errors).

use std::path::Path;
use std::sync::LazyLock;

use super::*;

static ENGINE: LazyLock<RuleModelEngine> =
    LazyLock::new(|| RuleModelEngine::embedded().expect("embedded model loads"));

fn read(subject: &str, body: &str, is_reply: bool, proposed_times: u32) -> IntentPrediction {
    ENGINE.classify(&IntentInput {
        subject,
        body,
        is_reply,
        proposed_times,
        ..IntentInput::default()
    })
}

#[test]
fn new_meeting_requests_and_counter_proposals_are_schedule() {
    let p = read(
        "Intro call",
        "Hi Rob,\n\nGreat to meet you at the summit. Could we set up a 30 minute call next week? \
         Tuesday at 10am ET or Thursday at 2pm ET would suit me.\n\nBest,\nIngrid",
        false,
        2,
    );
    assert_eq!(p.intent, Intent::Schedule, "{p:?}");
    let p = read(
        "Re: Planning",
        "Monday doesn't work for me. Could we do Wednesday at 11 instead?",
        true,
        1,
    );
    assert_eq!(p.intent, Intent::Schedule, "{p:?}");
}

#[test]
fn moving_an_existing_meeting_is_reschedule() {
    let p = read(
        "Re: Thursday's review",
        "Hi Jo, something came up and I need to reschedule Thursday's review. \
         Could we move it to Friday at 3pm?",
        true,
        1,
    );
    assert_eq!(p.intent, Intent::Reschedule, "{p:?}");
    assert!(p.rules_fired.iter().any(|r| r == "reschedule_request"));
}

#[test]
fn calling_off_a_meeting_is_cancel() {
    let p = read(
        "Re: Sync tomorrow",
        "Sorry Ana, I have to cancel our sync tomorrow. Let's pick it up by email.",
        true,
        0,
    );
    assert_eq!(p.intent, Intent::Cancel, "{p:?}");
    assert!(p.rules_fired.iter().any(|r| r == "cancel_meeting"));
}

#[test]
fn asking_when_someone_is_free_is_availability_check() {
    let p = read(
        "Next month",
        "Hi Paul, what's your availability like in the second half of March? \
         Just trying to plan ahead.",
        false,
        1,
    );
    assert_eq!(p.intent, Intent::AvailabilityCheck, "{p:?}");
}

#[test]
fn accepting_a_proposed_time_is_confirm() {
    let p = read(
        "Re: Intro call",
        "Thursday at 2pm ET works for me. See you then!",
        true,
        1,
    );
    assert_eq!(p.intent, Intent::Confirm, "{p:?}");
    assert!(p.confidence.get() > 0.8, "{p:?}");
}

#[test]
fn refusing_without_an_alternative_is_decline() {
    let p = read(
        "Re: Quick chat?",
        "Thanks for reaching out, but we're not interested and I'll pass on the call.",
        true,
        0,
    );
    assert_eq!(p.intent, Intent::Decline, "{p:?}");
}

#[test]
fn automatic_mail_is_other() {
    let ooo = ENGINE.classify(&IntentInput {
        subject: "Automatic reply: Intro call",
        body: "I am out of the office until 3 March with limited access to email. \
               For urgent matters please contact my colleague.",
        is_reply: true,
        proposed_times: 1,
        headers: HeaderFacts {
            auto_submitted: true,
            ..HeaderFacts::default()
        },
        ..IntentInput::default()
    });
    assert_eq!(ooo.intent, Intent::Other, "{ooo:?}");
    assert!(ooo.rules_fired.iter().any(|r| r == "out_of_office"));
    assert!(ooo.rules_fired.iter().any(|r| r == "header_auto_submitted"));

    let bounce = read(
        "Undeliverable: Intro call",
        "Delivery has failed to these recipients or groups: rob@example.com. \
         The email address you entered couldn't be found. 550 5.1.1 User unknown",
        false,
        0,
    );
    assert_eq!(bounce.intent, Intent::Other, "{bounce:?}");
    assert!(bounce.rules_fired.iter().any(|r| r == "bounce_notice"));

    let newsletter = ENGINE.classify(&IntentInput {
        subject: "Our December product update",
        body: "New this month: shared calendars, faster search and a refreshed mobile app. \
               Read the full release notes on our blog.\n\nUnsubscribe | Manage preferences",
        headers: HeaderFacts {
            list: true,
            bulk: true,
            ..HeaderFacts::default()
        },
        ..IntentInput::default()
    });
    assert_eq!(newsletter.intent, Intent::Other, "{newsletter:?}");
}

#[test]
fn invitation_notifications_are_other() {
    let p = read(
        "Invitation: Design sync @ Wed Feb 4, 2026 3pm - 3:30pm (CET)",
        "You have been invited to the following event.\nDesign sync\nWhen: Wednesday Feb 4 \
         3pm – 3:30pm\nJoin with Google Meet\nReply for you@example.com: Yes No Maybe\n\
         Invitation from Google Calendar",
        false,
        1,
    );
    assert_eq!(p.intent, Intent::Other, "{p:?}");
    assert!(p.rules_fired.iter().any(|r| r == "calendar_notification"));
}

#[test]
fn distribution_is_a_probability_and_confidence_is_its_maximum() {
    for body in [
        "",
        "Works for me.",
        "x",
        "¿Nos vemos el martes?",
        "\u{0}\u{fffd}",
    ] {
        let p = read("", body, false, 0);
        let d = p.distribution.to_array();
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
        assert!(d.iter().all(|v| (0.0..=1.0).contains(v)));
        assert_eq!(p.distribution.get(p.intent), p.confidence.get());
        assert!(d.iter().all(|&v| v <= p.confidence.get()));
    }
}

#[test]
fn prediction_serialises_with_snake_case_labels() {
    let p = read("", "Works for me, see you then.", true, 1);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["intent"], "confirm");
    assert!(json["distribution"]["availability_check"].is_number());
    let back: IntentPrediction = serde_json::from_value(json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn intent_names_round_trip() {
    for intent in Intent::ALL {
        assert_eq!(intent.as_str().parse::<Intent>(), Ok(intent));
        assert_eq!(Intent::from_index(intent.index()), Some(intent));
        let json = serde_json::to_string(&intent).unwrap();
        assert_eq!(json, format!("\"{}\"", intent.as_str()));
    }
    assert!("meeting".parse::<Intent>().is_err());
}

#[test]
fn confidence_accepts_only_probabilities() {
    assert_eq!(Confidence::new(0.25).map(Confidence::get), Ok(0.25));
    assert!(Confidence::new(0.0).is_ok() && Confidence::new(1.0).is_ok());
    assert!(Confidence::new(1.01).is_err());
    assert!(Confidence::new(-0.1).is_err());
    assert!(Confidence::new(f64::NAN).is_err());
    assert!(serde_json::from_str::<Confidence>("1.5").is_err());
    assert_eq!(
        serde_json::from_str::<Confidence>("0.5").unwrap().get(),
        0.5
    );
}

fn sample_examples() -> Vec<Example> {
    let files = [
        include_str!("../../../models/intent/data/own_confirm.jsonl"),
        include_str!("../../../models/intent/data/own_cancel.jsonl"),
        include_str!("../../../models/intent/data/own_other_2.jsonl"),
    ];
    files
        .iter()
        .flat_map(|text| parse_examples(text, Path::new("test")).unwrap())
        .collect()
}

fn small_config() -> TrainConfig {
    TrainConfig {
        hash_bits: 12,
        epochs: 3,
        calibration_folds: 3,
        min_count: 1,
        ..TrainConfig::default()
    }
}

#[test]
fn training_is_deterministic() {
    let examples = sample_examples();
    let a = train(&examples, &small_config()).unwrap();
    let b = train(&examples, &small_config()).unwrap();
    assert_eq!(a.to_json(), b.to_json());
    let other_seed = TrainConfig {
        seed: 7,
        ..small_config()
    };
    assert_ne!(
        a.to_json(),
        train(&examples, &other_seed).unwrap().to_json(),
        "the seed drives the order"
    );
}

#[test]
fn a_trained_model_learns_its_training_data() {
    let examples = sample_examples();
    let engine = RuleModelEngine::new(train(&examples, &small_config()).unwrap()).unwrap();
    let evaluation = evaluate(&engine, &examples);
    assert!(evaluation.accuracy().unwrap() > 0.9, "{evaluation}");
}

#[test]
fn training_rejects_bad_input() {
    let examples = sample_examples();
    assert!(matches!(
        train(&[], &small_config()),
        Err(TrainError::NoExamples)
    ));
    let one_label: Vec<Example> = examples
        .iter()
        .filter(|e| e.intent == Intent::Confirm)
        .cloned()
        .collect();
    assert!(matches!(
        train(&one_label, &small_config()),
        Err(TrainError::SingleIntent(Intent::Confirm))
    ));
    let bad = TrainConfig {
        hash_bits: 40,
        ..small_config()
    };
    assert!(matches!(
        train(&examples, &bad),
        Err(TrainError::InvalidConfig(_))
    ));
    let public: Vec<Example> = examples
        .iter()
        .step_by(10)
        .cloned()
        .map(|e| Example {
            origin: Origin::Public,
            source: String::new(),
            ..e
        })
        .collect();
    assert!(matches!(
        train(&public, &small_config()),
        Err(TrainError::TooFewForCalibration { .. })
    ));
}

#[test]
fn parse_errors_name_the_line() {
    let text =
        "{\"text\": \"ok\", \"intent\": \"confirm\"}\n\n{\"text\": \"x\", \"intent\": \"meet\"}";
    match parse_examples(text, Path::new("f.jsonl")) {
        Err(TrainError::Parse { line, .. }) => assert_eq!(line, 3),
        other => panic!("expected a parse error, got {other:?}"),
    }
    let e = &parse_examples(
        "{\"text\": \"t\", \"intent\": \"other\", \"has_times\": true}",
        Path::new("f"),
    )
    .unwrap()[0];
    assert_eq!(e.has_times, 1);
}

#[test]
fn shipped_model_is_reproducible_from_its_data() {
    // `cams nlp train` must give back the committed model byte for byte.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/intent/data");
    let report = retrain(&data, &TrainConfig::default()).unwrap();
    assert!(
        report.model.to_json() == include_str!("../../../models/intent/model.json"),
        "models/intent/model.json is stale: retrain it"
    );
    assert_eq!(
        report.to_string(),
        include_str!("../../../models/intent/validation.txt")
    );
}

#[test]
fn the_engine_can_be_shared_across_threads_behind_the_trait() {
    let engine: std::sync::Arc<dyn IntentEngine> = std::sync::Arc::new(ENGINE.clone());
    let handle = {
        let engine = std::sync::Arc::clone(&engine);
        std::thread::spawn(move || {
            engine
                .classify(&IntentInput {
                    body: "I need to cancel our meeting on Friday.",
                    ..IntentInput::default()
                })
                .intent
        })
    };
    assert_eq!(handle.join().unwrap(), Intent::Cancel);
}

#[test]
fn cross_validation_predicts_every_held_example_once() {
    let examples = sample_examples();
    let held: Vec<Example> = examples.iter().step_by(3).cloned().collect();
    let rest: Vec<Example> = examples.iter().skip(1).step_by(3).cloned().collect();
    let evaluation = cross_validate(&rest, &held, &held, 3, &small_config()).unwrap();
    assert_eq!(evaluation.len(), held.len());
    assert!(matches!(
        cross_validate(&rest, &held, &held[1..], 3, &small_config()),
        Err(TrainError::InvalidConfig(_))
    ));
    assert!(matches!(
        cross_validate(&rest, &held[..2], &held[..2], 3, &small_config()),
        Err(TrainError::InvalidConfig(_))
    ));
}

#[test]
fn leave_one_split_out_predicts_each_split_with_a_model_that_never_saw_it() {
    let examples = sample_examples();
    let held: Vec<Example> = examples.iter().step_by(3).cloned().collect();
    let rest: Vec<Example> = examples.iter().skip(1).step_by(3).cloned().collect();
    // Two "splits": every held example is predicted exactly once.
    let fold_of: Vec<usize> = (0..held.len()).map(|i| i % 2).collect();
    let evaluation = cross_validate_folds(&rest, &held, &held, &fold_of, &small_config()).unwrap();
    assert_eq!(evaluation.len(), held.len());
    // One split only leaves nothing to train on apart from `rest`: refused.
    let one = vec![0; held.len()];
    assert!(matches!(
        cross_validate_folds(&rest, &held, &held, &one, &small_config()),
        Err(TrainError::InvalidConfig(_))
    ));
    assert_eq!(train::split_of("corpus-dev7/1501-a.eml"), "corpus-dev7");
    // The mistakes listed are exactly the examples the folds got wrong.
    let (e, wrong) =
        cross_validate_folds_with_mistakes(&rest, &held, &held, &fold_of, &small_config()).unwrap();
    assert_eq!(e.len(), held.len());
    assert!(wrong.iter().all(|m| m.truth != m.predicted));
    let off_diagonal: usize = (0..Intent::COUNT)
        .flat_map(|t| (0..Intent::COUNT).map(move |p| (t, p)))
        .filter(|(t, p)| t != p)
        .map(|(t, p)| e.confusion()[t][p])
        .sum();
    assert_eq!(wrong.len(), off_diagonal);
}
