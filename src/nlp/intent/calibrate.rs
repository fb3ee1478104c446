//! Calibration maths: temperature-scaled softmax, temperature fitting, expected calibration error.

use super::Intent;

/// Why a calibration figure cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalibrationError {
    #[error("no predictions to measure")]
    Empty,
    #[error("the number of bins must be at least 1")]
    NoBins,
    #[error("{logits} logit rows but {labels} labels")]
    LengthMismatch { logits: usize, labels: usize },
}

/// Softmax of `logits / temperature`, computed stably (the largest logit is subtracted first).
pub fn softmax(logits: &[f64; Intent::COUNT], temperature: f64) -> [f64; Intent::COUNT] {
    let t = if temperature.is_finite() && temperature > 0.0 {
        temperature
    } else {
        1.0
    };
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut p = logits.map(|z| ((z - max) / t).exp());
    let sum: f64 = p.iter().sum();
    if sum.is_finite() && sum > 0.0 {
        for v in &mut p {
            *v /= sum;
        }
    } else {
        p = [1.0 / Intent::COUNT as f64; Intent::COUNT];
    }
    p
}

/// Mean negative log-likelihood of the true labels under `softmax(logits / t)`.
pub fn nll(logits: &[[f64; Intent::COUNT]], labels: &[usize], t: f64) -> f64 {
    let n = logits.len().min(labels.len());
    if n == 0 {
        return 0.0;
    }
    let total: f64 = logits
        .iter()
        .zip(labels)
        .map(|(z, &y)| -softmax(z, t)[y].max(1e-300).ln())
        .sum();
    total / n as f64
}

/// The temperature minimising the negative log-likelihood of held-out predictions (Guo et al.,
/// 2017, "On Calibration of Modern Neural Networks"). The NLL is unimodal in log t, so a golden
/// section search over t in [0.05, 20] finds it deterministically.
pub fn fit_temperature(
    logits: &[[f64; Intent::COUNT]],
    labels: &[usize],
) -> Result<f64, CalibrationError> {
    if logits.len() != labels.len() {
        return Err(CalibrationError::LengthMismatch {
            logits: logits.len(),
            labels: labels.len(),
        });
    }
    if logits.is_empty() {
        return Err(CalibrationError::Empty);
    }
    let f = |log_t: f64| nll(logits, labels, log_t.exp());
    let (mut a, mut b) = (0.05f64.ln(), 20f64.ln());
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..80 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    Ok(((a + b) / 2.0).exp())
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliabilityBin {
    /// Lower edge of the bin's confidence range.
    pub lower: f64,
    /// Upper edge (inclusive for the last bin).
    pub upper: f64,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// Predictions grouped into `bins` equal-width confidence bins; bins with no prediction are kept
/// with a count of zero. A confidence of exactly 1 goes in the last bin.
pub fn reliability(
    samples: &[(f64, bool)],
    bins: usize,
) -> Result<Vec<ReliabilityBin>, CalibrationError> {
    if bins == 0 {
        return Err(CalibrationError::NoBins);
    }
    if samples.is_empty() {
        return Err(CalibrationError::Empty);
    }
    let mut sum_conf = vec![0.0; bins];
    let mut hits = vec![0usize; bins];
    let mut count = vec![0usize; bins];
    for &(confidence, correct) in samples {
        let c = confidence.clamp(0.0, 1.0);
        let b = ((c * bins as f64) as usize).min(bins - 1);
        sum_conf[b] += c;
        hits[b] += usize::from(correct);
        count[b] += 1;
    }
    Ok((0..bins)
        .map(|b| {
            let n = count[b];
            let mean = |x: f64| if n == 0 { 0.0 } else { x / n as f64 };
            ReliabilityBin {
                lower: b as f64 / bins as f64,
                upper: (b + 1) as f64 / bins as f64,
                count: n,
                mean_confidence: mean(sum_conf[b]),
                accuracy: mean(hits[b] as f64),
            }
        })
        .collect())
}

/// Expected calibration error: the sample-weighted mean, over equal-width confidence bins, of
/// |accuracy − mean confidence|. `samples` are (confidence of the predicted label, whether the
/// prediction was right); the usual figure uses 10 bins.
pub fn ece(samples: &[(f64, bool)], bins: usize) -> Result<f64, CalibrationError> {
    let table = reliability(samples, bins)?;
    let n = samples.len() as f64;
    Ok(table
        .iter()
        .map(|b| b.count as f64 / n * (b.accuracy - b.mean_confidence).abs())
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_survives_huge_logits() {
        let p = softmax(&[1000.0, 999.0, 0.0, 0.0, 0.0, 0.0, -1000.0], 1.0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[0] > p[1] && p[1] > p[2]);
        let flat = softmax(&[3.0; 7], 1.0);
        assert!(flat.iter().all(|&v| (v - 1.0 / 7.0).abs() < 1e-12));
    }

    #[test]
    fn higher_temperature_flattens() {
        let z = [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        assert!(softmax(&z, 2.0)[0] < softmax(&z, 1.0)[0]);
        assert!(softmax(&z, 0.5)[0] > softmax(&z, 1.0)[0]);
    }

    #[test]
    fn perfectly_calibrated_predictions_have_zero_ece() {
        // In the 0.8 bin, 8 of 10 are right; in the 0.55 bin, 11 of 20.
        let mut s = vec![(0.8, true); 8];
        s.extend([(0.8, false); 2]);
        s.extend([(0.55, true); 11]);
        s.extend([(0.55, false); 9]);
        assert!(ece(&s, 10).unwrap().abs() < 1e-12);
    }

    #[test]
    fn ece_is_the_weighted_gap() {
        // 20 predictions at 0.95, 15 right: one bin, accuracy 0.75, gap 0.2.
        let mut s = vec![(0.95, true); 15];
        s.extend([(0.95, false); 5]);
        assert!((ece(&s, 10).unwrap() - 0.2).abs() < 1e-12);
        // Two bins of one prediction each: at 0.3 and right (gap 0.7), at 1.0 and right (gap 0;
        // a confidence of exactly 1 falls in the last bin).
        let s = [(0.3, true), (1.0, true)];
        assert!((ece(&s, 10).unwrap() - 0.35).abs() < 1e-12);
    }

    #[test]
    fn ece_rejects_empty_input_and_zero_bins() {
        assert_eq!(ece(&[], 10), Err(CalibrationError::Empty));
        assert_eq!(ece(&[(0.5, true)], 0), Err(CalibrationError::NoBins));
    }

    #[test]
    fn fitted_temperature_recovers_the_generating_one() {
        // Labels drawn (deterministically) from softmax(z / 2): the fit should find t ≈ 2.
        let mut logits = Vec::new();
        let mut labels = Vec::new();
        let mut state = 7u64;
        for i in 0..4000 {
            let mut z = [0.0; 7];
            z[i % 7] = 4.0 + (i % 5) as f64;
            z[(i + 3) % 7] = 1.0;
            let p = softmax(&z, 2.0);
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let mut acc = 0.0;
            let mut y = 6;
            for (k, pk) in p.iter().enumerate() {
                acc += pk;
                if u < acc {
                    y = k;
                    break;
                }
            }
            logits.push(z);
            labels.push(y);
        }
        let t = fit_temperature(&logits, &labels).unwrap();
        assert!((t - 2.0).abs() < 0.2, "t = {t}");
    }

    #[test]
    fn overconfident_logits_get_a_temperature_above_one() {
        // Always 10 logits apart but right only 70% of the time.
        let logits: Vec<[f64; 7]> = (0..100)
            .map(|_| [10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
            .collect();
        let labels: Vec<usize> = (0..100).map(|i| if i % 10 < 7 { 0 } else { 1 }).collect();
        assert!(fit_temperature(&logits, &labels).unwrap() > 1.0);
        assert!(matches!(
            fit_temperature(&logits, &labels[..3]),
            Err(CalibrationError::LengthMismatch { .. })
        ));
    }
}
