//! Retrains the intent model from `models/intent/data/` (until `cams nlp train` is wired).

use std::path::PathBuf;

use cams::nlp::intent::{TrainConfig, retrain_dir};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("models/intent"), PathBuf::from);
    let report = retrain_dir(&dir, &TrainConfig::default())?;
    print!("{report}");
    Ok(())
}
