//! The trained model: multinomial logistic-regression weights, a softmax temperature, and their
//! JSON form (`models/intent/model.json`, compiled into the binary).

use serde::{Deserialize, Serialize};

use super::Intent;
use super::features;

/// The model trained from `models/intent/data/`, embedded so that no file is read at run time.
const EMBEDDED_MODEL: &str = include_str!("../../../models/intent/model.json");
/// Identifies the JSON layout; bump it when the meaning of any field changes.
pub const FORMAT: &str = "cams-intent-logreg/1";
/// Widest hash accepted: 2^24 buckets × 7 labels is already 470 MB of weights.
pub const MAX_HASH_BITS: u8 = 24;
/// Weights are stored rounded to this step, which keeps the file small and changes no prediction
/// that matters (logits move by < 1e-3).
const QUANTUM: f32 = 1e-4;

/// Why a model cannot be loaded or built.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model JSON is malformed: {0}")]
    Json(#[from] serde_json::Error),
    #[error("model format {found:?} is not {FORMAT:?}")]
    Format { found: String },
    #[error(
        "model was trained with another feature layout (retrain with `cams nlp train`): {detail}"
    )]
    Layout { detail: String },
    #[error("model has an invalid shape: {0}")]
    Shape(String),
    #[error("intent rules do not compile: {0}")]
    Rules(String),
}

/// Weights of a multinomial logistic regression over the features of [`features::extract`].
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    hash_bits: u8,
    /// Row-major: feature × label.
    weights: Vec<f32>,
    bias: [f32; Intent::COUNT],
    temperature: f64,
}

#[derive(Serialize, Deserialize)]
struct ModelHeader {
    format: String,
    hash_bits: u8,
    layout: Vec<String>,
    named_feature_value: f32,
    labels: Vec<String>,
    temperature: f64,
    bias: [f32; Intent::COUNT],
}

#[derive(Deserialize)]
struct ModelFile {
    #[serde(flatten)]
    header: ModelHeader,
    weights: Vec<(u32, [f32; Intent::COUNT])>,
}

impl Model {
    /// A model with every weight at zero (uniform predictions), for training to start from.
    pub fn zeros(hash_bits: u8) -> Result<Self, ModelError> {
        if hash_bits == 0 || hash_bits > MAX_HASH_BITS {
            return Err(ModelError::Shape(format!(
                "hash_bits must be in 1..={MAX_HASH_BITS}, got {hash_bits}"
            )));
        }
        Ok(Model {
            hash_bits,
            weights: vec![0.0; features::feature_count(hash_bits) * Intent::COUNT],
            bias: [0.0; Intent::COUNT],
            temperature: 1.0,
        })
    }

    /// The model compiled into the binary.
    pub fn embedded() -> Result<Self, ModelError> {
        Model::from_json(EMBEDDED_MODEL)
    }

    /// Width of the feature hash, in bits.
    pub fn hash_bits(&self) -> u8 {
        self.hash_bits
    }

    /// The softmax temperature fitted on held-out data.
    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    pub(crate) fn set_temperature(&mut self, temperature: f64) {
        self.temperature = temperature;
    }

    pub(crate) fn weights_mut(&mut self) -> (&mut [f32], &mut [f32; Intent::COUNT]) {
        (&mut self.weights, &mut self.bias)
    }

    /// Raw scores (before temperature) for a feature vector.
    pub fn logits(&self, features: &[(u32, f32)]) -> [f64; Intent::COUNT] {
        let mut z = self.bias;
        for &(index, value) in features {
            let start = index as usize * Intent::COUNT;
            if let Some(row) = self.weights.get(start..start + Intent::COUNT) {
                for (zk, wk) in z.iter_mut().zip(row) {
                    *zk += wk * value;
                }
            }
        }
        z.map(f64::from)
    }

    /// Calibrated probabilities for a feature vector.
    pub fn probabilities(&self, features: &[(u32, f32)]) -> [f64; Intent::COUNT] {
        super::calibrate::softmax(&self.logits(features), self.temperature)
    }

    /// Rounds every weight to the storage step, so the in-memory model equals its JSON form.
    pub(crate) fn quantise(&mut self) {
        for w in self.weights.iter_mut().chain(self.bias.iter_mut()) {
            *w = quantise(*w);
        }
    }

    /// The JSON form: a header line, then one line per feature with a non-zero weight, in feature
    /// order; the same model always gives the same bytes.
    pub fn to_json(&self) -> String {
        let header = ModelHeader {
            format: FORMAT.to_owned(),
            hash_bits: self.hash_bits,
            layout: features::layout_names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            named_feature_value: features::NAMED_FEATURE_VALUE,
            labels: Intent::ALL.iter().map(|i| i.as_str().to_owned()).collect(),
            temperature: self.temperature,
            bias: self.bias.map(quantise),
        };
        // Serialising plain numbers and strings cannot fail.
        let header = serde_json::to_string(&header).unwrap_or_default();
        let mut out = String::with_capacity(header.len() + self.weights.len() * 4);
        out.push_str(&header[..header.len() - 1]);
        out.push_str(",\"weights\":[");
        let mut first = true;
        for (index, row) in self.weights.chunks_exact(Intent::COUNT).enumerate() {
            let row: [f32; Intent::COUNT] = std::array::from_fn(|k| quantise(row[k]));
            if row.iter().all(|&w| w == 0.0) {
                continue;
            }
            out.push_str(if first { "\n" } else { ",\n" });
            first = false;
            out.push_str(&serde_json::to_string(&(index, row)).unwrap_or_default());
        }
        out.push_str("\n]}\n");
        out
    }

    /// Reads the JSON form, refusing a model trained for another feature layout.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        let file: ModelFile = serde_json::from_str(json)?;
        let header = file.header;
        if header.format != FORMAT {
            return Err(ModelError::Format {
                found: header.format,
            });
        }
        let expected = features::layout_names();
        if header.layout != expected {
            return Err(ModelError::Layout {
                detail: format!(
                    "expected {} named features {:?}, found {:?}",
                    expected.len(),
                    expected,
                    header.layout
                ),
            });
        }
        if header.named_feature_value != features::NAMED_FEATURE_VALUE {
            return Err(ModelError::Layout {
                detail: format!(
                    "named features valued {} at training, {} now",
                    header.named_feature_value,
                    features::NAMED_FEATURE_VALUE
                ),
            });
        }
        let labels: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
        if header.labels != labels {
            return Err(ModelError::Layout {
                detail: format!("labels {:?} are not {:?}", header.labels, labels),
            });
        }
        if !(header.temperature.is_finite() && header.temperature > 0.0) {
            return Err(ModelError::Shape(format!(
                "temperature must be a positive number, got {}",
                header.temperature
            )));
        }
        let mut model = Model::zeros(header.hash_bits)?;
        model.bias = header.bias;
        model.temperature = header.temperature;
        let n = features::feature_count(header.hash_bits);
        for (index, row) in file.weights {
            let index = index as usize;
            if index >= n {
                return Err(ModelError::Shape(format!(
                    "weight row {index} is beyond the {n} features"
                )));
            }
            if row.iter().chain(&model.bias).any(|w| !w.is_finite()) {
                return Err(ModelError::Shape(format!(
                    "weight row {index} is not finite"
                )));
            }
            model.weights[index * Intent::COUNT..(index + 1) * Intent::COUNT].copy_from_slice(&row);
        }
        Ok(model)
    }
}

fn quantise(w: f32) -> f32 {
    let q = (w / QUANTUM).round() * QUANTUM;
    // Avoid "-0.0" in the file.
    if q == 0.0 { 0.0 } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_is_exact() {
        let mut model = Model::zeros(8).unwrap();
        {
            let (w, b) = model.weights_mut();
            w[3 * Intent::COUNT + 2] = 0.123_456;
            w[40 * Intent::COUNT + 6] = -1.5;
            b[0] = 0.25;
        }
        model.set_temperature(1.7);
        model.quantise();
        let json = model.to_json();
        let back = Model::from_json(&json).unwrap();
        assert_eq!(back, model);
        assert_eq!(back.to_json(), json);
    }

    #[test]
    fn a_model_for_another_layout_is_refused() {
        let json = Model::zeros(8)
            .unwrap()
            .to_json()
            .replace("is_reply", "was_reply");
        assert!(matches!(
            Model::from_json(&json),
            Err(ModelError::Layout { .. })
        ));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Model::from_json("{").is_err());
        assert!(Model::from_json("null").is_err());
        let bad = Model::zeros(8)
            .unwrap()
            .to_json()
            .replace("\"weights\":[", "\"weights\":[[999999,[1,1,1,1,1,1,1]]");
        assert!(matches!(Model::from_json(&bad), Err(ModelError::Shape(_))));
    }

    #[test]
    fn embedded_model_loads() {
        let model = Model::embedded().expect("embedded model matches the code's feature layout");
        assert!(model.temperature() > 0.0);
    }
}
