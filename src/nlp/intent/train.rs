//! Deterministic training: AdaGrad logistic regression, temperature fitted on out-of-fold
//! predictions, and the reproducible retraining of `models/intent/` from its JSONL files.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use super::calibrate::{self, CalibrationError};
use super::eval::Evaluation;
use super::features::{self, Extracted};
use super::model::{MAX_HASH_BITS, Model, ModelError};
use super::rules::RuleSet;
use super::{HeaderFacts, Intent, IntentEngine, IntentInput, RuleModelEngine};

/// Where an example comes from. Public examples (CLINC150, EmailIntentDataSet) are short
/// non-email utterances: they train the model at a reduced weight but are never used to fit the
/// temperature or to measure the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Own,
    /// Derived from the project's labelled dev corpus through the real reading pipeline
    /// (`Reader::training_example`): trained on like `Own`, and the closest thing to real mail,
    /// so the temperature is fitted on its held-out predictions.
    Corpus,
    Public,
}

impl Origin {
    /// Written for or derived from this project (not a public non-email data set).
    pub fn is_own(self) -> bool {
        matches!(self, Origin::Own | Origin::Corpus)
    }
}

/// One labelled message, as stored in `models/intent/data/*.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub text: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub is_reply: bool,
    #[serde(default)]
    pub is_forward: bool,
    /// How many proposed times the message carries (`true`/`false` are read as 1/0).
    #[serde(default, deserialize_with = "count_or_bool")]
    pub has_times: u32,
    #[serde(default)]
    pub auto_submitted: bool,
    #[serde(default)]
    pub list: bool,
    #[serde(default)]
    pub bulk: bool,
    pub intent: Intent,
    #[serde(default)]
    pub origin: Origin,
    /// Where it came from (a corpus file), to pair two readings of one email.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

fn count_or_bool<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum CountOrBool {
        Count(u32),
        Bool(bool),
    }
    Ok(match CountOrBool::deserialize(d)? {
        CountOrBool::Count(n) => n,
        CountOrBool::Bool(b) => u32::from(b),
    })
}

impl Example {
    /// The classifier's view of this example.
    pub fn input(&self) -> IntentInput<'_> {
        IntentInput {
            subject: &self.subject,
            body: &self.text,
            is_reply: self.is_reply,
            is_forward: self.is_forward,
            proposed_times: self.has_times,
            headers: HeaderFacts {
                auto_submitted: self.auto_submitted,
                list: self.list,
                bulk: self.bulk,
            },
        }
    }
}

/// Training settings; the defaults are what `models/intent/model.json` was trained with (a JSON
/// form may name only the fields it changes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// Feature hash width in bits.
    pub hash_bits: u8,
    /// Passes over the data.
    pub epochs: usize,
    /// AdaGrad base step.
    pub learning_rate: f32,
    /// L2 penalty, applied to the weights an example touches.
    pub l2: f32,
    /// Seed of the shuffling order.
    pub seed: u64,
    /// Weight of a public (non-email) example relative to an own example.
    pub public_weight: f32,
    /// A hashed feature seen in fewer training examples than this gets no weight.
    pub min_count: u32,
    /// Folds of the cross-fitting that produces the held-out predictions the temperature is fitted
    /// on.
    pub calibration_folds: usize,
    /// Fit the temperature on the corpus-derived examples' held-out predictions only (when there
    /// are enough of them), rather than on every own example's.
    pub calibrate_on_corpus: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            hash_bits: 17,
            epochs: 10,
            learning_rate: 0.1,
            l2: 1e-3,
            seed: 0x00c0_ffee,
            public_weight: 0.1,
            min_count: 4,
            calibration_folds: 5,
            calibrate_on_corpus: true,
        }
    }
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("no training examples")]
    NoExamples,
    #[error("training needs at least two intents, found only {0}")]
    SingleIntent(Intent),
    #[error("invalid training configuration: {0}")]
    InvalidConfig(String),
    #[error(
        "{own} own examples cannot be split into {folds} calibration folds (need at least {folds})"
    )]
    TooFewForCalibration { own: usize, folds: usize },
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {source}")]
    Parse {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("calibration failed: {0}")]
    Calibration(#[from] CalibrationError),
}

impl TrainConfig {
    fn check(&self) -> Result<(), TrainError> {
        let bad = |m: String| Err(TrainError::InvalidConfig(m));
        if self.hash_bits == 0 || self.hash_bits > MAX_HASH_BITS {
            return bad(format!("hash_bits must be in 1..={MAX_HASH_BITS}"));
        }
        if self.epochs == 0 {
            return bad("epochs must be at least 1".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate must be positive".into());
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return bad("l2 must be zero or positive".into());
        }
        if !(self.public_weight.is_finite() && self.public_weight >= 0.0) {
            return bad("public_weight must be zero or positive".into());
        }
        if self.calibration_folds < 2 {
            return bad("calibration_folds must be at least 2".into());
        }
        Ok(())
    }
}

/// A featurised example with its label and training weight.
struct Row {
    features: Vec<(u32, f32)>,
    label: usize,
    weight: f32,
}

/// Trains a model: the weights on every example, and the temperature on out-of-fold predictions
/// of the own examples (each predicted by a model that did not see it). Same examples in the same
/// order and same config give identical weights.
pub fn train(examples: &[Example], cfg: &TrainConfig) -> Result<Model, TrainError> {
    cfg.check()?;
    let first = examples.first().ok_or(TrainError::NoExamples)?;
    if examples.iter().all(|e| e.intent == first.intent) {
        return Err(TrainError::SingleIntent(first.intent));
    }
    let rules = RuleSet::new()?;
    let rows: Vec<Row> = examples
        .iter()
        .map(|e| {
            let Extracted { features, .. } = features::extract(&e.input(), &rules, cfg.hash_bits);
            Row {
                features,
                label: e.intent.index(),
                weight: match e.origin {
                    Origin::Own | Origin::Corpus => 1.0,
                    Origin::Public => cfg.public_weight,
                },
            }
        })
        .collect();

    // Cross-fitting: own examples are dealt into folds in a seeded shuffled order.
    let mut own: Vec<usize> = (0..rows.len())
        .filter(|&i| examples[i].origin.is_own())
        .collect();
    if own.len() < cfg.calibration_folds {
        return Err(TrainError::TooFewForCalibration {
            own: own.len(),
            folds: cfg.calibration_folds,
        });
    }
    shuffle(&mut own, &mut SplitMix64(cfg.seed ^ 0xf01d));
    let mut fold_of = vec![usize::MAX; rows.len()];
    for (position, &i) in own.iter().enumerate() {
        fold_of[i] = position % cfg.calibration_folds;
    }
    // Hand-written examples are cleaner than real mail, so when enough corpus-derived examples
    // exist the temperature is fitted on theirs alone: it must be honest on what CAMS will read.
    let corpus = own
        .iter()
        .filter(|&&i| examples[i].origin == Origin::Corpus)
        .count();
    let calibrate_on_corpus = cfg.calibrate_on_corpus && corpus >= MIN_CORPUS_FOR_CALIBRATION;
    let mut held_logits = Vec::with_capacity(own.len());
    let mut held_labels = Vec::with_capacity(own.len());
    for fold in 0..cfg.calibration_folds {
        let train_idx: Vec<usize> = (0..rows.len()).filter(|&i| fold_of[i] != fold).collect();
        let model = fit(&rows, &train_idx, cfg)?;
        for i in (0..rows.len()).filter(|&i| fold_of[i] == fold) {
            if calibrate_on_corpus && examples[i].origin != Origin::Corpus {
                continue;
            }
            held_logits.push(model.logits(&rows[i].features));
            held_labels.push(rows[i].label);
        }
    }
    let temperature = calibrate::fit_temperature(&held_logits, &held_labels)?;

    let all: Vec<usize> = (0..rows.len()).collect();
    let mut model = fit(&rows, &all, cfg)?;
    model.set_temperature(temperature);
    Ok(model)
}

/// Fewer corpus-derived examples than this give too noisy a temperature: all own examples are
/// used instead.
const MIN_CORPUS_FOR_CALIBRATION: usize = 50;

/// K-fold cross-validation of `held` (e.g. the corpus-derived examples): each fold is predicted by
/// a model trained (and calibrated) on `rest` plus the other folds, so every prediction is on an
/// example its model never saw. The honest figure for mail like `held`. `tested` is what is
/// predicted for each held example (the same email as the reading pipeline sees it, when `held`
/// was derived differently), or `held` itself.
pub fn cross_validate(
    rest: &[Example],
    held: &[Example],
    tested: &[Example],
    folds: usize,
    cfg: &TrainConfig,
) -> Result<Evaluation, TrainError> {
    if tested.len() != held.len() {
        return Err(TrainError::InvalidConfig(format!(
            "{} held examples but {} to test",
            held.len(),
            tested.len()
        )));
    }
    if folds < 2 || held.len() < folds {
        return Err(TrainError::InvalidConfig(format!(
            "cannot cross-validate {} examples in {folds} folds",
            held.len()
        )));
    }
    let mut order: Vec<usize> = (0..held.len()).collect();
    shuffle(&mut order, &mut SplitMix64(cfg.seed ^ 0xc0de));
    let mut fold_of = vec![0; held.len()];
    for (position, &i) in order.iter().enumerate() {
        fold_of[i] = position % folds;
    }
    cross_validate_folds(rest, held, tested, &fold_of, cfg)
}

/// Cross-validation over folds given for each held example: with one fold per corpus split
/// (`corpus-dev7/...`), each split is predicted by a model that never saw its writers, which
/// is what mail from new people looks like.
pub fn cross_validate_folds(
    rest: &[Example],
    held: &[Example],
    tested: &[Example],
    fold_of: &[usize],
    cfg: &TrainConfig,
) -> Result<Evaluation, TrainError> {
    cross_validate_folds_with_mistakes(rest, held, tested, fold_of, cfg).map(|(e, _)| e)
}

/// One held example a cross-validation fold got wrong: where it came from, the truth, and
/// what the fold's model said with what confidence.
#[derive(Debug, Clone)]
pub struct CvMistake {
    pub source: String,
    pub truth: Intent,
    pub predicted: Intent,
    pub confidence: f64,
}

/// [`cross_validate_folds`], with the examples each fold got wrong, in input order.
pub fn cross_validate_folds_with_mistakes(
    rest: &[Example],
    held: &[Example],
    tested: &[Example],
    fold_of: &[usize],
    cfg: &TrainConfig,
) -> Result<(Evaluation, Vec<CvMistake>), TrainError> {
    if tested.len() != held.len() || fold_of.len() != held.len() {
        return Err(TrainError::InvalidConfig(format!(
            "{} held examples but {} to test and {} fold numbers",
            held.len(),
            tested.len(),
            fold_of.len()
        )));
    }
    let folds = fold_of.iter().max().map_or(0, |m| m + 1);
    if folds < 2 {
        return Err(TrainError::InvalidConfig(format!(
            "cannot cross-validate in {folds} folds"
        )));
    }
    let mut evaluation = Evaluation::new();
    let mut mistakes: Vec<(usize, CvMistake)> = Vec::new();
    for fold in 0..folds {
        let mut training: Vec<Example> = rest.to_vec();
        training.extend(
            (0..held.len())
                .filter(|&i| fold_of[i] != fold)
                .map(|i| held[i].clone()),
        );
        let engine = RuleModelEngine::new(train(&training, cfg)?)?;
        for i in (0..held.len()).filter(|&i| fold_of[i] == fold) {
            let p = engine.classify(&tested[i].input());
            evaluation.record(tested[i].intent, p.intent, p.confidence);
            if p.intent != tested[i].intent {
                mistakes.push((
                    i,
                    CvMistake {
                        source: tested[i].source.clone(),
                        truth: tested[i].intent,
                        predicted: p.intent,
                        confidence: p.confidence.get(),
                    },
                ));
            }
        }
    }
    mistakes.sort_by_key(|(i, _)| *i);
    Ok((evaluation, mistakes.into_iter().map(|(_, m)| m).collect()))
}

/// The corpus split an example was derived from (`corpus-dev7/1501-....eml` -> `corpus-dev7`).
pub fn split_of(source: &str) -> &str {
    source.split('/').next().unwrap_or(source)
}

/// AdaGrad stochastic gradient descent on the weighted multinomial log-loss of the rows in `idx`.
fn fit(rows: &[Row], idx: &[usize], cfg: &TrainConfig) -> Result<Model, TrainError> {
    const K: usize = Intent::COUNT;
    let mut model = Model::zeros(cfg.hash_bits)?;
    let hashed = 1u32 << cfg.hash_bits;

    // Rare hashed features are noise (and bloat the file): keep those seen in enough examples.
    let mut seen = vec![0u32; features::feature_count(cfg.hash_bits)];
    for &i in idx {
        for &(f, _) in &rows[i].features {
            seen[f as usize] += 1;
        }
    }
    let keep = |f: u32| f >= hashed || seen[f as usize] >= cfg.min_count;
    let data: Vec<Row> = idx
        .iter()
        .map(|&i| {
            let r = &rows[i];
            Row {
                features: r
                    .features
                    .iter()
                    .copied()
                    .filter(|&(f, _)| keep(f))
                    .collect(),
                label: r.label,
                weight: r.weight,
            }
        })
        .collect();

    let mut g2 = vec![0f32; model.weights_mut().0.len()];
    let mut g2_bias = [0f32; K];
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = SplitMix64(cfg.seed);
    let lr = cfg.learning_rate;
    for _ in 0..cfg.epochs {
        shuffle(&mut order, &mut rng);
        for &n in &order {
            let Row {
                features: x,
                label: y,
                weight: w,
            } = &data[n];
            let p = calibrate::softmax(&model.logits(x), 1.0);
            let grad: [f32; K] =
                std::array::from_fn(|k| w * (p[k] as f32 - if k == *y { 1.0 } else { 0.0 }));
            let (weights, bias) = model.weights_mut();
            for ((b, g2b), g) in bias.iter_mut().zip(&mut g2_bias).zip(grad) {
                *g2b += g * g;
                *b -= lr * g / (g2b.sqrt() + 1e-6);
            }
            for &(f, v) in x {
                let row = f as usize * K..(f as usize + 1) * K;
                for ((wj, g2j), gk) in weights[row.clone()].iter_mut().zip(&mut g2[row]).zip(grad) {
                    let g = gk * v + cfg.l2 * *wj;
                    *g2j += g * g;
                    *wj -= lr * g / (g2j.sqrt() + 1e-6);
                }
            }
        }
    }
    model.quantise();
    Ok(model)
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose sequence never changes with
/// a crate version, which keeps training reproducible byte for byte.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0); the modulo bias is irrelevant for shuffling a few thousand rows.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Fisher–Yates shuffle.
fn shuffle<T>(items: &mut [T], rng: &mut SplitMix64) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

/// Reads examples from JSON lines (blank lines and lines starting with `//` are skipped); `path`
/// only names the source in errors.
pub fn parse_examples(jsonl: &str, path: &Path) -> Result<Vec<Example>, TrainError> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
        .map(|(n, l)| {
            serde_json::from_str(l).map_err(|source| TrainError::Parse {
                path: path.to_owned(),
                line: n + 1,
                source,
            })
        })
        .collect()
}

/// Whether an own example belongs to the validation split: a fixed fifth chosen by a hash of its
/// text, so adding examples never moves old ones between splits.
pub fn is_validation(example: &Example) -> bool {
    if !example.origin.is_own() {
        return false;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in example
        .subject
        .bytes()
        .chain([0])
        .chain(example.text.bytes())
    {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(5)
}

/// Predictions of an engine on labelled examples.
pub fn evaluate(engine: &dyn IntentEngine, examples: &[Example]) -> Evaluation {
    let mut evaluation = Evaluation::new();
    for e in examples {
        let p = engine.classify(&e.input());
        evaluation.record(e.intent, p.intent, p.confidence);
    }
    evaluation
}

/// What retraining produced.
#[derive(Debug, Clone)]
pub struct TrainReport {
    pub model: Model,
    pub train_examples: usize,
    pub validation_examples: usize,
    /// The trained model on the validation split (never trained or calibrated on).
    pub validation: Evaluation,
}

impl std::fmt::Display for TrainReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "trained on {} examples; temperature {:.4}; validation split: {} own examples",
            self.train_examples,
            self.model.temperature(),
            self.validation_examples
        )?;
        write!(f, "{}", self.validation)
    }
}

/// Trains from the JSONL files of `data_dir` (read in file-name order), leaving out and measuring
/// the validation split ([`is_validation`]); the same files give the same model, bit for bit.
pub fn retrain(data_dir: &Path, cfg: &TrainConfig) -> Result<TrainReport, TrainError> {
    let examples = load_dir(data_dir)?;
    let (validation, training): (Vec<Example>, Vec<Example>) =
        examples.into_iter().partition(is_validation);
    let model = train(&training, cfg)?;
    let engine = RuleModelEngine::new(model.clone())?;
    Ok(TrainReport {
        validation: evaluate(&engine, &validation),
        model,
        train_examples: training.len(),
        validation_examples: validation.len(),
    })
}

/// Every example of the JSONL files of `data_dir`, in file-name order.
pub fn load_dir(data_dir: &Path) -> Result<Vec<Example>, TrainError> {
    let mut files: Vec<PathBuf> = fs::read_dir(data_dir)
        .map_err(io_error(data_dir))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut examples = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).map_err(io_error(file))?;
        examples.extend(parse_examples(&text, file)?);
    }
    Ok(examples)
}

/// Retrains from `dir/data/` and writes `dir/model.json` and `dir/validation.txt` (what
/// `cams nlp train` runs on `models/intent`).
pub fn retrain_dir(dir: &Path, cfg: &TrainConfig) -> Result<TrainReport, TrainError> {
    let report = retrain(&dir.join("data"), cfg)?;
    let model_path = dir.join("model.json");
    fs::write(&model_path, report.model.to_json()).map_err(io_error(&model_path))?;
    let report_path = dir.join("validation.txt");
    fs::write(&report_path, report.to_string()).map_err(io_error(&report_path))?;
    Ok(report)
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError {
    let path = path.to_owned();
    move |source| TrainError::Io { path, source }
}
