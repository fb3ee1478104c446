//! Text understanding: from a raw email to intent, proposed times and confidence (no I/O).

/// `cams bench nlp`: pipeline speed per email, beside chrono-node on the same texts.
pub mod bench;
/// `cams nlp extract` lines and the corpus evaluation of `cams nlp eval`.
pub mod evaluate;
/// Intent and calibrated confidence: rules plus a small trained model.
pub mod intent;
/// `ParsedRequest` and the `Reader` that makes one from an email.
pub mod request;
/// MIME to clean text: new text, quotes, signatures, forwards, header facts.
pub mod text;
/// Time expressions: Duckling plus the email layer (zones, conventions, ranks, non-proposals).
pub mod time;
