//! A fast language guess (ISO 639-1) from stopword counts, for the languages we read.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// The languages whose quote, signature and date forms this layer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    De,
    Fr,
    Es,
    Nl,
    It,
    Pt,
}

const ALL: [Language; 7] = [
    Language::En,
    Language::De,
    Language::Fr,
    Language::Es,
    Language::Nl,
    Language::It,
    Language::Pt,
];

impl Language {
    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::Nl => "nl",
            Language::It => "it",
            Language::Pt => "pt",
        }
    }
}

const STOPWORDS: [&[&str]; 7] = [
    &[
        "the", "and", "to", "of", "is", "are", "you", "i", "we", "it", "for", "on", "that", "this",
        "with", "be", "can", "will", "at", "have", "not", "my", "your", "me", "let", "would",
        "could", "please", "thanks", "if", "what", "our", "us", "know", "works", "but", "so",
        "just", "does", "how", "when", "next", "week", "meet", "call",
    ],
    &[
        "der", "die", "das", "und", "ist", "nicht", "ich", "wir", "sie", "es", "ein", "eine", "zu",
        "mit", "für", "auf", "den", "dem", "von", "bitte", "können", "könnten", "wäre", "uns",
        "mir", "haben", "habe", "sind", "auch", "noch", "gerne", "danke", "oder", "wenn", "wie",
        "um", "wann", "treffen", "termin", "nächste", "woche", "passt",
    ],
    &[
        "le",
        "la",
        "les",
        "et",
        "est",
        "je",
        "nous",
        "vous",
        "pour",
        "avec",
        "une",
        "un",
        "des",
        "du",
        "pas",
        "que",
        "qui",
        "dans",
        "sur",
        "ce",
        "cette",
        "merci",
        "pouvez",
        "pourriez",
        "serait",
        "bonjour",
        "au",
        "aux",
        "mais",
        "ou",
        "mon",
        "votre",
        "vos",
        "semaine",
        "prochaine",
        "réunion",
        "disponible",
        "rendez-vous",
        "être",
    ],
    &[
        "el",
        "la",
        "los",
        "las",
        "y",
        "es",
        "que",
        "de",
        "en",
        "por",
        "para",
        "con",
        "una",
        "un",
        "no",
        "nos",
        "podemos",
        "podríamos",
        "gracias",
        "hola",
        "reunión",
        "está",
        "estoy",
        "puedes",
        "puede",
        "mi",
        "su",
        "tu",
        "del",
        "al",
        "pero",
        "como",
        "si",
        "lo",
        "semana",
        "próxima",
        "vemos",
        "quedamos",
    ],
    &[
        "de", "het", "een", "en", "is", "niet", "ik", "wij", "we", "jij", "je", "u", "van", "voor",
        "met", "op", "dat", "die", "om", "te", "kunnen", "zou", "graag", "bedankt", "hallo",
        "afspraak", "ook", "maar", "bij", "naar", "zijn", "heb", "hebben", "wat", "wanneer",
        "volgende", "week", "komt", "uit",
    ],
    &[
        "il",
        "lo",
        "la",
        "gli",
        "le",
        "e",
        "è",
        "che",
        "di",
        "per",
        "con",
        "un",
        "una",
        "non",
        "sono",
        "ci",
        "mi",
        "ti",
        "possiamo",
        "potremmo",
        "grazie",
        "ciao",
        "riunione",
        "anche",
        "ma",
        "come",
        "del",
        "della",
        "alle",
        "nel",
        "questo",
        "questa",
        "settimana",
        "prossima",
        "va",
        "bene",
    ],
    &[
        "o",
        "a",
        "os",
        "as",
        "e",
        "é",
        "que",
        "de",
        "em",
        "para",
        "com",
        "um",
        "uma",
        "não",
        "nos",
        "podemos",
        "poderíamos",
        "obrigado",
        "obrigada",
        "olá",
        "reunião",
        "você",
        "do",
        "da",
        "dos",
        "das",
        "no",
        "na",
        "mas",
        "como",
        "se",
        "está",
        "semana",
        "próxima",
        "vamos",
    ],
];

/// Each stopword with a bit per language that uses it; built once, so a word costs one lookup.
static STOPWORD_LANGUAGES: LazyLock<HashMap<&'static str, u8>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for (n, words) in STOPWORDS.iter().enumerate() {
        for word in *words {
            *map.entry(*word).or_insert(0u8) |= 1 << n;
        }
    }
    map
});

/// Guesses the language of `text`, or `None` when too few known words decide it.
///
/// Looks at the first 2,000 characters only: the guess is for routing, and this keeps it O(1).
pub fn guess_language(text: &str) -> Option<Language> {
    let mut scores = [0f32; 7];
    let mut seen = 0usize;
    let mut word = String::with_capacity(16);
    let sample = text
        .char_indices()
        .nth(2000)
        .map_or(text, |(i, _)| &text[..i]);
    for c in sample.chars().chain(std::iter::once(' ')) {
        if c.is_alphabetic() || c == '-' {
            word.extend(c.to_lowercase());
            continue;
        }
        if word.is_empty() {
            continue;
        }
        if let Some(&mask) = STOPWORD_LANGUAGES.get(word.as_str()) {
            seen += 1;
            // A word shared by several languages counts for each, but less.
            let weight = 1.0 / mask.count_ones() as f32;
            for (n, score) in scores.iter_mut().enumerate() {
                if mask & (1 << n) != 0 {
                    *score += weight;
                }
            }
        }
        word.clear();
    }
    let (best, best_score) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    let runner_up = scores
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != best)
        .map(|(_, s)| *s)
        .fold(0f32, f32::max);
    (seen >= 2 && *best_score >= 1.5 && *best_score > runner_up * 1.2).then_some(ALL[best])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_each_language() {
        let cases = [
            (
                "Could we meet next week? Tuesday at 3pm works for me.",
                Language::En,
            ),
            (
                "Können wir uns nächste Woche treffen? Dienstag um 15 Uhr passt mir.",
                Language::De,
            ),
            (
                "Pourriez-vous me dire si mardi à 15h vous convient pour la réunion ?",
                Language::Fr,
            ),
            (
                "¿Podemos vernos la próxima semana? El martes a las 3 me va bien.",
                Language::Es,
            ),
            (
                "Kunnen we volgende week afspreken? Dinsdag om 15 uur komt mij goed uit.",
                Language::Nl,
            ),
            (
                "Possiamo vederci la prossima settimana? Martedì alle 15 per me va bene.",
                Language::It,
            ),
            (
                "Podemos nos encontrar na próxima semana? Terça às 15h para mim está ótimo.",
                Language::Pt,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(guess_language(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn too_little_text_is_no_guess() {
        assert_eq!(guess_language("OK"), None);
        assert_eq!(guess_language(""), None);
    }
}
