//! Intent of a scheduling email and its calibrated confidence: labels, the engine trait, and the
//! default engine (high-precision rules feeding a small embedded logistic-regression model).

pub mod calibrate;
pub mod eval;
pub mod features;
pub mod model;
pub mod rules;
pub mod train;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use calibrate::{CalibrationError, ece, fit_temperature};
pub use eval::Evaluation;
pub use model::{Model, ModelError};
pub use rules::RuleSet;
pub use train::{
    CvMistake, Example, Origin, TrainConfig, TrainError, TrainReport, cross_validate,
    cross_validate_folds, cross_validate_folds_with_mistakes, evaluate, is_validation, load_dir,
    parse_examples, retrain, retrain_dir, train,
};

/// What the sender of an email wants, as far as scheduling is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Set up a new meeting, with or without times; counter-proposals too.
    Schedule,
    /// Move a meeting that already exists.
    Reschedule,
    /// Call off a meeting that already exists.
    Cancel,
    /// Ask when someone is free, without proposing a meeting at a given time.
    AvailabilityCheck,
    /// Accept one proposed time.
    Confirm,
    /// Will not meet, and offers no alternative.
    Decline,
    /// Not scheduling: newsletters, receipts, FYIs, out-of-office replies, bounces, invitation
    /// notifications.
    Other,
}

impl Intent {
    /// Every label, in the fixed order used by the model's weight rows.
    pub const ALL: [Intent; 7] = [
        Intent::Schedule,
        Intent::Reschedule,
        Intent::Cancel,
        Intent::AvailabilityCheck,
        Intent::Confirm,
        Intent::Decline,
        Intent::Other,
    ];
    /// Number of labels.
    pub const COUNT: usize = Self::ALL.len();

    /// Position of this label in [`Intent::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The label at a position of [`Intent::ALL`], if any.
    pub fn from_index(index: usize) -> Option<Intent> {
        Self::ALL.get(index).copied()
    }

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Schedule => "schedule",
            Intent::Reschedule => "reschedule",
            Intent::Cancel => "cancel",
            Intent::AvailabilityCheck => "availability_check",
            Intent::Confirm => "confirm",
            Intent::Decline => "decline",
            Intent::Other => "other",
        }
    }
}

impl fmt::Display for Intent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no intent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown intent {0:?} (expected one of schedule, reschedule, cancel, availability_check, confirm, decline, other)"
)]
pub struct UnknownIntent(pub String);

impl FromStr for Intent {
    type Err = UnknownIntent;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Intent::ALL
            .into_iter()
            .find(|intent| intent.as_str() == s)
            .ok_or_else(|| UnknownIntent(s.to_owned()))
    }
}

/// A probability in [0, 1]; the constructor is the only way in.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence(f64);

/// A number that is not a probability.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("confidence must be a number in [0, 1], got {0}")]
pub struct ConfidenceError(pub f64);

impl Confidence {
    /// Accepts a finite number in [0, 1].
    pub fn new(value: f64) -> Result<Self, ConfidenceError> {
        if value.is_finite() && (0.0..=1.0).contains(&value) {
            Ok(Confidence(value))
        } else {
            Err(ConfidenceError(value))
        }
    }

    /// The probability.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ConfidenceError;

    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Confidence::new(value)
    }
}

impl From<Confidence> for f64 {
    fn from(value: Confidence) -> f64 {
        value.0
    }
}

/// Header facts that bear on intent (RFC 3834 Auto-Submitted, List-Id, Precedence: bulk).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderFacts {
    /// `Auto-Submitted` present with a value other than `no`.
    pub auto_submitted: bool,
    /// A `List-Id` (or `List-Unsubscribe`) header is present.
    pub list: bool,
    /// `Precedence: bulk` or `junk` (or `list`).
    pub bulk: bool,
}

/// What the classifier reads: the new text of one message, with quotes and signature already
/// removed by the text layer, and a few facts from the other layers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntentInput<'a> {
    /// The Subject header, decoded.
    pub subject: &'a str,
    /// The message's own new text.
    pub body: &'a str,
    /// The message answers another one (In-Reply-To, or a `Re:` subject).
    pub is_reply: bool,
    /// The message forwards another one.
    pub is_forward: bool,
    /// How many proposed times the time layer found in the new text.
    pub proposed_times: u32,
    /// Header facts.
    pub headers: HeaderFacts,
}

/// A probability for every intent, summing to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub schedule: f64,
    pub reschedule: f64,
    pub cancel: f64,
    pub availability_check: f64,
    pub confirm: f64,
    pub decline: f64,
    pub other: f64,
}

impl Distribution {
    /// Builds a distribution from probabilities in the order of [`Intent::ALL`].
    pub fn from_array(p: [f64; Intent::COUNT]) -> Self {
        Distribution {
            schedule: p[0],
            reschedule: p[1],
            cancel: p[2],
            availability_check: p[3],
            confirm: p[4],
            decline: p[5],
            other: p[6],
        }
    }

    /// The probabilities in the order of [`Intent::ALL`].
    pub fn to_array(&self) -> [f64; Intent::COUNT] {
        [
            self.schedule,
            self.reschedule,
            self.cancel,
            self.availability_check,
            self.confirm,
            self.decline,
            self.other,
        ]
    }

    /// The probability of one intent.
    pub fn get(&self, intent: Intent) -> f64 {
        self.to_array()[intent.index()]
    }

    /// The most probable intent and its probability (ties go to the earlier label).
    pub fn argmax(&self) -> (Intent, f64) {
        let p = self.to_array();
        let mut best = 0;
        for (i, &v) in p.iter().enumerate() {
            if v > p[best] {
                best = i;
            }
        }
        (Intent::ALL[best], p[best])
    }
}

/// The reading of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntentPrediction {
    /// The most probable intent.
    pub intent: Intent,
    /// Its calibrated probability.
    pub confidence: Confidence,
    /// The calibrated probability of every intent.
    pub distribution: Distribution,
    /// Names of the rules that fired, for explanations and the audit log.
    pub rules_fired: Vec<Cow<'static, str>>,
}

/// Anything that reads an intent from a message: the default rules-plus-model engine, or later a
/// transformer engine.
pub trait IntentEngine: Send + Sync {
    /// Classifies one message; never fails (an empty message is simply `other`-looking).
    fn classify(&self, input: &IntentInput<'_>) -> IntentPrediction;
}

/// The default engine: rules fire on high-precision phrases and header facts, and a multinomial
/// logistic regression over hashed words, bigrams, dense facts and the fired rules turns them into
/// a temperature-calibrated distribution.
#[derive(Debug, Clone)]
pub struct RuleModelEngine {
    rules: RuleSet,
    model: Model,
}

impl RuleModelEngine {
    /// An engine around a given model.
    pub fn new(model: Model) -> Result<Self, ModelError> {
        Ok(RuleModelEngine {
            rules: RuleSet::new()?,
            model,
        })
    }

    /// The engine with the model compiled into the binary (`models/intent/model.json`).
    pub fn embedded() -> Result<Self, ModelError> {
        RuleModelEngine::new(Model::embedded()?)
    }

    /// The model this engine uses.
    pub fn model(&self) -> &Model {
        &self.model
    }
}

impl IntentEngine for RuleModelEngine {
    fn classify(&self, input: &IntentInput<'_>) -> IntentPrediction {
        let extracted = features::extract(input, &self.rules, self.model.hash_bits());
        let distribution = Distribution::from_array(self.model.probabilities(&extracted.features));
        let (intent, p) = distribution.argmax();
        // Softmax output is in [0, 1] by construction; clamp guards rounding at the edges.
        let confidence = Confidence::new(p.clamp(0.0, 1.0)).unwrap_or(Confidence(0.0));
        IntentPrediction {
            intent,
            confidence,
            distribution,
            rules_fired: extracted
                .rules_fired
                .into_iter()
                .map(Cow::Borrowed)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
