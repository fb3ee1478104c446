//! Evaluation of intent predictions: confusion matrix, per-intent precision/recall/F1, macro-F1,
//! accuracy and calibration error, printable for `cams nlp eval`.

use std::fmt;

use super::calibrate::{self, CalibrationError};
use super::{Confidence, Intent};

/// Bins used for the reported expected calibration error.
pub const ECE_BINS: usize = 10;

/// Precision, recall and F1 of one intent; `None` where the ratio has no denominator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntentScores {
    pub intent: Intent,
    pub support: usize,
    pub predicted: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

/// Predictions compared with the truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// `confusion[truth][predicted]`, indexed by [`Intent::index`].
    confusion: [[usize; Intent::COUNT]; Intent::COUNT],
    /// (confidence of the predicted label, whether it was right), for calibration.
    samples: Vec<(f64, bool)>,
}

impl Evaluation {
    /// An empty evaluation.
    pub fn new() -> Self {
        Evaluation::default()
    }

    /// Records one prediction.
    pub fn record(&mut self, truth: Intent, predicted: Intent, confidence: Confidence) {
        self.confusion[truth.index()][predicted.index()] += 1;
        self.samples.push((confidence.get(), truth == predicted));
    }

    /// Number of predictions recorded.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// `confusion()[truth][predicted]`, indexed by [`Intent::index`].
    pub fn confusion(&self) -> &[[usize; Intent::COUNT]; Intent::COUNT] {
        &self.confusion
    }

    /// Scores of one intent.
    pub fn scores(&self, intent: Intent) -> IntentScores {
        let k = intent.index();
        let tp = self.confusion[k][k];
        let support: usize = self.confusion[k].iter().sum();
        let predicted: usize = self.confusion.iter().map(|row| row[k]).sum();
        let ratio = |num: usize, den: usize| (den > 0).then(|| num as f64 / den as f64);
        let precision = ratio(tp, predicted);
        let recall = ratio(tp, support);
        let f1 = match (precision, recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
            (Some(_), Some(_)) => Some(0.0),
            // Predicted but never true, or true but never predicted: F1 is 0.
            (Some(_), None) | (None, Some(_)) => Some(0.0),
            (None, None) => None,
        };
        IntentScores {
            intent,
            support,
            predicted,
            precision,
            recall,
            f1,
        }
    }

    /// Mean F1 over the intents that occur in the truth or the predictions.
    pub fn macro_f1(&self) -> Option<f64> {
        let f1s: Vec<f64> = Intent::ALL
            .iter()
            .filter_map(|&i| self.scores(i).f1)
            .collect();
        (!f1s.is_empty()).then(|| f1s.iter().sum::<f64>() / f1s.len() as f64)
    }

    /// Share of predictions that were right.
    pub fn accuracy(&self) -> Option<f64> {
        let right = (0..Intent::COUNT)
            .map(|k| self.confusion[k][k])
            .sum::<usize>();
        (!self.is_empty()).then(|| right as f64 / self.len() as f64)
    }

    /// Expected calibration error over [`ECE_BINS`] bins.
    pub fn ece(&self) -> Result<f64, CalibrationError> {
        calibrate::ece(&self.samples, ECE_BINS)
    }
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "    -".to_owned(), |v| format!("{:5.3}", v))
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<19} {:>9} {:>6} {:>6} {:>7}",
            "intent", "precision", "recall", "F1", "support"
        )?;
        for intent in Intent::ALL {
            let s = self.scores(intent);
            writeln!(
                f,
                "{:<19} {:>9} {:>6} {:>6} {:>7}",
                intent.as_str(),
                pct(s.precision),
                pct(s.recall),
                pct(s.f1),
                s.support
            )?;
        }
        writeln!(
            f,
            "macro-F1 {}   accuracy {}   n {}   ECE({ECE_BINS} bins) {}",
            pct(self.macro_f1()),
            pct(self.accuracy()),
            self.len(),
            pct(self.ece().ok())
        )?;
        writeln!(f, "confusion (rows: truth, columns: predicted)")?;
        let short = [
            "sched", "resch", "cancel", "avail", "confirm", "decline", "other",
        ];
        write!(f, "{:<19}", "")?;
        for s in short {
            write!(f, " {:>7}", s)?;
        }
        writeln!(f)?;
        for (intent, row) in Intent::ALL.iter().zip(&self.confusion) {
            write!(f, "{:<19}", intent.as_str())?;
            for n in row {
                write!(f, " {:>7}", n)?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: f64) -> Confidence {
        Confidence::new(v).unwrap()
    }

    #[test]
    fn scores_follow_the_confusion_matrix() {
        let mut e = Evaluation::new();
        // 3 schedule: 2 right, 1 read as availability_check; 1 availability_check, right.
        e.record(Intent::Schedule, Intent::Schedule, c(0.9));
        e.record(Intent::Schedule, Intent::Schedule, c(0.8));
        e.record(Intent::Schedule, Intent::AvailabilityCheck, c(0.6));
        e.record(Intent::AvailabilityCheck, Intent::AvailabilityCheck, c(0.7));
        let s = e.scores(Intent::Schedule);
        assert_eq!((s.support, s.predicted), (3, 2));
        assert_eq!(s.precision, Some(1.0));
        assert!((s.recall.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        let a = e.scores(Intent::AvailabilityCheck);
        assert_eq!(a.precision, Some(0.5));
        assert_eq!(a.recall, Some(1.0));
        // Intents absent from truth and predictions do not count towards macro-F1.
        assert_eq!(e.scores(Intent::Cancel).f1, None);
        let macro_f1 = (0.8 + 2.0 / 3.0) / 2.0;
        assert!((e.macro_f1().unwrap() - macro_f1).abs() < 1e-12);
        assert_eq!(e.accuracy(), Some(0.75));
        assert_eq!(e.confusion()[0][3], 1);
    }

    #[test]
    fn display_shows_every_intent_and_the_matrix() {
        let mut e = Evaluation::new();
        e.record(Intent::Confirm, Intent::Confirm, c(0.9));
        e.record(Intent::Decline, Intent::Other, c(0.4));
        let text = e.to_string();
        for intent in Intent::ALL {
            assert!(text.contains(intent.as_str()));
        }
        assert!(text.contains("macro-F1"));
        assert!(text.contains("ECE(10 bins)"));
    }

    #[test]
    fn empty_evaluation_has_no_scores() {
        let e = Evaluation::new();
        assert_eq!(e.macro_f1(), None);
        assert_eq!(e.accuracy(), None);
        assert!(e.ece().is_err());
    }
}
