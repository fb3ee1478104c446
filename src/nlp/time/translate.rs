//! German, Spanish and French date and clock words rewritten into the English the time
//! layer reads ("Dienstag um 14 Uhr" -> "Tuesday at 14:00"), so one pipeline serves them.
//!
//! Only forms that cannot be English are rewritten: a weekday name of its language, a month
//! name after a day number ("15. Juli", "19 de febrero"), a clock with its unit ("14 Uhr",
//! "11h"). An English email passes through unchanged.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

const WEEKDAYS: &[(&str, &str)] = &[
    ("montag", "Monday"),
    ("dienstag", "Tuesday"),
    ("mittwoch", "Wednesday"),
    ("donnerstag", "Thursday"),
    ("freitag", "Friday"),
    ("samstag", "Saturday"),
    ("sonntag", "Sunday"),
    ("lunes", "Monday"),
    ("martes", "Tuesday"),
    ("miércoles", "Wednesday"),
    ("miercoles", "Wednesday"),
    ("jueves", "Thursday"),
    ("viernes", "Friday"),
    ("sábado", "Saturday"),
    ("domingo", "Sunday"),
    ("lundi", "Monday"),
    ("mardi", "Tuesday"),
    ("mercredi", "Wednesday"),
    ("jeudi", "Thursday"),
    ("vendredi", "Friday"),
    ("samedi", "Saturday"),
    ("dimanche", "Sunday"),
    ("segunda-feira", "Monday"),
    ("terça-feira", "Tuesday"),
    ("terca-feira", "Tuesday"),
    ("quarta-feira", "Wednesday"),
    ("quinta-feira", "Thursday"),
    ("sexta-feira", "Friday"),
    ("segunda", "Monday"),
    ("terça", "Tuesday"),
    ("terca", "Tuesday"),
    ("quarta", "Wednesday"),
    ("quinta", "Thursday"),
    ("sexta", "Friday"),
    ("lunedì", "Monday"),
    ("lunedi", "Monday"),
    ("martedì", "Tuesday"),
    ("martedi", "Tuesday"),
    ("mercoledì", "Wednesday"),
    ("mercoledi", "Wednesday"),
    ("giovedì", "Thursday"),
    ("giovedi", "Thursday"),
    ("venerdì", "Friday"),
    ("venerdi", "Friday"),
    ("sabato", "Saturday"),
    ("maandag", "Monday"),
    ("dinsdag", "Tuesday"),
    ("woensdag", "Wednesday"),
    ("donderdag", "Thursday"),
    ("vrijdag", "Friday"),
    ("zaterdag", "Saturday"),
    ("zondag", "Sunday"),
];

const MONTHS: &[(&str, &str)] = &[
    ("januar", "January"),
    // Austrian German.
    ("jänner", "January"),
    ("jaenner", "January"),
    ("feber", "February"),
    ("februar", "February"),
    ("märz", "March"),
    ("maerz", "March"),
    ("april", "April"),
    ("mai", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("august", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("dezember", "December"),
    ("enero", "January"),
    ("febrero", "February"),
    ("marzo", "March"),
    ("abril", "April"),
    ("mayo", "May"),
    ("junio", "June"),
    ("julio", "July"),
    ("agosto", "August"),
    ("septiembre", "September"),
    ("octubre", "October"),
    ("noviembre", "November"),
    ("diciembre", "December"),
    ("janvier", "January"),
    ("février", "February"),
    ("fevrier", "February"),
    ("mars", "March"),
    ("avril", "April"),
    ("juin", "June"),
    ("juillet", "July"),
    ("août", "August"),
    ("septembre", "September"),
    ("octobre", "October"),
    ("novembre", "November"),
    ("décembre", "December"),
    ("janeiro", "January"),
    ("fevereiro", "February"),
    ("março", "March"),
    ("maio", "May"),
    ("junho", "June"),
    ("julho", "July"),
    ("setembro", "September"),
    ("outubro", "October"),
    ("dezembro", "December"),
    ("gennaio", "January"),
    ("febbraio", "February"),
    ("aprile", "April"),
    ("maggio", "May"),
    ("giugno", "June"),
    ("luglio", "July"),
    ("settembre", "September"),
    ("ottobre", "October"),
    ("dicembre", "December"),
    ("januari", "January"),
    ("februari", "February"),
    ("maart", "March"),
    ("mei", "May"),
    ("augustus", "August"),
];

fn lookup(table: &[(&str, &'static str)], word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    table.iter().find(|(k, _)| *k == w).map(|(_, v)| *v)
}

/// A table's keys as one regex alternation, the longest first, so a longer form is never
/// read as a shorter one it starts with ("cumartesi" before "cuma", "poniedziałku" before
/// "poniedziałek"). For the passes of one language each.
/// A case-insensitive regex matching any of `table`'s words as whole words, longest first:
/// the phrase table every language pass has.
fn words_regex(table: &[(&str, &str)]) -> Regex {
    Regex::new(&format!(r"(?i)\b(?:{})\b", longest_first(table))).unwrap_or_else(|_| unreachable!())
}

fn longest_first(table: &[(&str, &str)]) -> String {
    let mut keys: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    keys.iter()
        .map(|k| regex::escape(k))
        .collect::<Vec<_>>()
        .join("|")
}

/// The English for a word a language pass matched (empty when the table lacks it, which
/// the pass's own regex, built from the same table, rules out).
fn english(table: &[(&str, &'static str)], word: &str) -> &'static str {
    lookup(table, word).unwrap_or("")
}

/// Whether `text` holds at least `n` different words of a language's commonest `words`.
fn has_common_words(text: &str, words: &[&str], n: usize) -> bool {
    let lower = text.to_lowercase();
    let mut seen: Vec<&str> = Vec::new();
    for token in lower.split(|c: char| !c.is_alphabetic()) {
        if words.contains(&token) && !seen.contains(&token) {
            seen.push(token);
            if seen.len() == n {
                return true;
            }
        }
    }
    false
}

fn alternation(table: &[(&str, &str)]) -> String {
    table
        .iter()
        .map(|(k, _)| regex::escape(k))
        .collect::<Vec<_>>()
        .join("|")
}

static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{})\b", alternation(WEEKDAYS)))
        .unwrap_or_else(|_| unreachable!())
});

/// "15. Juli", "19 de febrero", "14 septembre": a day number, then a foreign month name.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:er|ère|º|°)?(?:\.\s*|\s+de\s+|\s+)({})\b",
        alternation(MONTHS)
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "um 14 Uhr", "14:30 Uhr", "a las 10:00", "à 11h", "11h30".
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:um|a las|a la|às|à|vers)\s+)?\b(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr\b|h(\d{2})?\b)",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Phrases whose words are not English: "nächste Woche", "Vormittag", "bis 31. Juli".
const PHRASES: &[(&str, &str)] = &[
    ("nächste woche", "next week"),
    ("nächsten woche", "next week"),
    ("la semana que viene", "next week"),
    ("la próxima semana", "next week"),
    ("la semaine prochaine", "next week"),
    ("vormittag", "morning"),
    // Before "une heure": the longer phrase first.
    ("une heure et demie", "an hour and a half"),
    ("une heure trente", "an hour and a half"),
    ("una hora y media", "an hour and a half"),
    ("uma hora e meia", "an hour and a half"),
    ("un'ora e mezza", "an hour and a half"),
    ("eineinhalb stunden", "an hour and a half"),
    ("anderthalb stunden", "an hour and a half"),
    ("anderhalf uur", "an hour and a half"),
    ("eine stunde", "an hour"),
    ("einer stunde", "an hour"),
    // Spoken German drops the "ei": "dauert nur ne Stunde".
    ("ne stunde", "an hour"),
    ("una hora", "an hour"),
    ("une heure", "an hour"),
    // "une petite heure", "eine knappe Stunde": about an hour, an hour for the calendar.
    ("une petite heure", "an hour"),
    ("une bonne heure", "an hour"),
    ("eine knappe stunde", "an hour"),
    ("eine gute stunde", "an hour"),
    ("minuten", "minutes"),
    ("minutos", "minutes"),
    ("horas", "hours"),
    ("stunden", "hours"),
    // "que seria quarta às 8h em Seul": the same instant said again elsewhere.
    ("o que seria", "which would be"),
    ("que seria", "which would be"),
    ("que sería", "which would be"),
    ("lo que sería", "which would be"),
    ("em seul", "in Seoul"),
    ("en seúl", "in Seoul"),
    ("à séoul", "in Seoul"),
    // "am Nachmittag": left as "am afternoon", the "am" would read as a meridiem.
    ("am nachmittag", "in the afternoon"),
    ("am vormittag", "in the morning"),
    ("am abend", "in the evening"),
    ("am morgen", "in the morning"),
    ("nachmittag", "afternoon"),
    // Tagalog parts of the day ("sa Friday ng hapon").
    ("ng hapon", "in the afternoon"),
    ("ng umaga", "in the morning"),
    ("ng gabi", "in the evening"),
    // "Si es muy temprano, el mismo jueves a las 13:00": the alternative to an early time.
    ("si es muy temprano", "if that is too early"),
    ("si es demasiado temprano", "if that is too early"),
    ("si es muy tarde", "if that is too late"),
    ("si es demasiado tarde", "if that is too late"),
    ("el mismo día", "the same day"),
    ("el mismo", "the same"),
    ("por la mañana", "in the morning"),
    ("por la tarde", "in the afternoon"),
    // Mexico's "hora del centro" is Mexico City's.
    ("hora del centro de méxico", "Mexico City time"),
    ("hora del centro", "Mexico City time"),
    ("tiempo del centro", "Mexico City time"),
    ("hora de la ciudad de méxico", "Mexico City time"),
    ("hora de ciudad de méxico", "Mexico City time"),
    ("hora de méxico", "Mexico City time"),
    ("dans la matinée", "in the morning"),
    ("en matinée", "in the morning"),
    ("en début de matinée", "in the morning"),
    ("dans l'après-midi", "in the afternoon"),
    ("en début d'après-midi", "in the afternoon"),
    ("en soirée", "in the evening"),
    ("en la mañana", "in the morning"),
    ("en la tarde", "in the afternoon"),
    ("le matin", "in the morning"),
    ("l'après-midi", "in the afternoon"),
    ("en fin de journée", "at the end of the day"),
    ("fin de journée", "end of day"),
    ("al final del día", "at the end of the day"),
    ("trois quarts d'heure", "three quarters of an hour"),
    ("trois quarts d’heure", "three quarters of an hour"),
    ("tres cuartos de hora", "three quarters of an hour"),
    ("drei viertel stunden", "three quarters of an hour"),
    ("dreiviertelstunde", "three quarters of an hour"),
    ("une demi-heure", "half an hour"),
    ("demi-heure", "half an hour"),
    ("media hora", "half an hour"),
    ("meia hora", "half an hour"),
    ("einer halben stunde", "half an hour"),
    ("ne halbe stunde", "half an hour"),
    ("eine halbe stunde", "half an hour"),
    ("dos horas", "two hours"),
    ("duas horas", "two hours"),
    ("deux heures", "two hours"),
    ("zwei stunden", "two hours"),
    ("due ore", "two hours"),
    ("tres horas", "three hours"),
    ("três horas", "three hours"),
    ("trois heures", "three hours"),
    ("drei stunden", "three hours"),
    ("tre ore", "three hours"),
    ("cuatro horas", "four hours"),
    ("quatro horas", "four hours"),
    ("quatre heures", "four hours"),
    ("vier stunden", "four hours"),
    ("quattro ore", "four hours"),
    ("cinco horas", "five hours"),
    ("cinq heures", "five hours"),
    ("fünf stunden", "five hours"),
    ("cinque ore", "five hours"),
    ("seis horas", "six hours"),
    ("six heures", "six hours"),
    ("sechs stunden", "six hours"),
    ("sei ore", "six hours"),
    ("ocho horas", "eight hours"),
    ("oito horas", "eight hours"),
    ("huit heures", "eight hours"),
    ("acht stunden", "eight hours"),
    ("otto ore", "eight hours"),
    ("de manhã", "morning"),
    ("pela manhã", "in the morning"),
    ("à tarde", "in the afternoon"),
    ("de tarde", "in the afternoon"),
    ("próxima semana", "next week"),
    ("uma hora e meia", "an hour and a half"),
    ("hora e meia", "an hour and a half"),
    ("una hora y media", "an hour and a half"),
    ("hora y media", "an hour and a half"),
    ("une heure et demie", "an hour and a half"),
    ("quarante-cinq minutes", "45 minutes"),
    ("trente minutes", "30 minutes"),
    ("vingt minutes", "20 minutes"),
    ("quinze minutes", "15 minutes"),
    // "een uur of 2": about two hours.
    ("een uur of twee", "two hours"),
    ("een uur of 2", "two hours"),
    ("een uur of drie", "three hours"),
    ("een uur of 3", "three hours"),
    ("een half uurtje", "half an hour"),
    ("een half uur", "half an hour"),
    ("half uurtje", "half an hour"),
    ("een uurtje", "an hour"),
    ("een uur", "an hour"),
    ("uma hora", "an hour"),
    // Days relative to today. German "morgen" is handled apart ("Guten Morgen").
    ("après-demain", "the day after tomorrow"),
    ("demain", "tomorrow"),
    ("aujourd'hui", "today"),
    ("ce matin", "this morning"),
    ("cet après-midi", "this afternoon"),
    ("après-midi", "afternoon"),
    ("à midi", "at noon"),
    ("midi", "noon"),
    ("pasado mañana", "the day after tomorrow"),
    ("mañana por la mañana", "tomorrow morning"),
    ("mañana por la tarde", "tomorrow afternoon"),
    ("de la mañana", "in the morning"),
    ("de la tarde", "in the afternoon"),
    ("de la noche", "in the evening"),
    ("da manhã", "in the morning"),
    ("da tarde", "in the afternoon"),
    ("da noite", "in the evening"),
    ("du matin", "in the morning"),
    ("de l'après-midi", "in the afternoon"),
    ("du soir", "in the evening"),
    ("mañana", "tomorrow"),
    ("hoy", "today"),
    ("mediodía", "noon"),
    ("übermorgen", "the day after tomorrow"),
    ("heute", "today"),
    ("vormittags", "in the morning"),
    ("nachmittags", "in the afternoon"),
    ("abends", "in the evening"),
    ("mittags", "at noon"),
    ("depois de amanhã", "the day after tomorrow"),
    ("amanhã", "tomorrow"),
    ("hoje", "today"),
    ("meio-dia", "noon"),
    ("semana que vem", "next week"),
    ("dopodomani", "the day after tomorrow"),
    ("domani", "tomorrow"),
    ("oggi", "today"),
    ("la prossima settimana", "next week"),
    ("settimana prossima", "next week"),
    // Words that offer another option, which the sentence test reads as offering.
    ("in alternativa", "alternatively"),
    ("altrimenti", "otherwise"),
    ("en alternative", "alternatively"),
    ("sinon", "otherwise"),
    ("alternativamente", "alternatively"),
    ("en su defecto", "alternatively"),
    ("de lo contrário", "otherwise"),
    ("caso contrário", "otherwise"),
    ("ansonsten", "otherwise"),
    ("alternatief", "alternatively"),
    ("in mattinata", "in the morning"),
    ("in tarda mattinata", "in the late morning"),
    ("nel pomeriggio", "in the afternoon"),
    ("di pomeriggio", "in the afternoon"),
    ("in serata", "in the evening"),
    ("di mattina", "in the morning"),
    ("pomeriggio", "afternoon"),
    ("mattinata", "morning"),
    ("mattina", "morning"),
    ("de hele ochtend", "the whole morning"),
    ("de hele middag", "the whole afternoon"),
    ("'s avonds", "in the evening"),
    ("ochtend", "morning"),
    ("overmorgen", "the day after tomorrow"),
    ("vandaag", "today"),
    ("volgende week", "next week"),
    ("'s ochtends", "in the morning"),
    ("'s morgens", "in the morning"),
    ("'s middags", "in the afternoon"),
    ("’s ochtends", "in the morning"),
    ("’s morgens", "in the morning"),
    ("’s middags", "in the afternoon"),
    ("’s avonds", "in the evening"),
    ("een uur", "an hour"),
    ("un'ora", "an hour"),
    ("mezz'ora", "half an hour"),
    ("een half uur", "half an hour"),
    ("half uur", "half an hour"),
    // "the week of the 12th".
    ("la semaine du", "the week of"),
    ("la semana del", "the week of"),
    ("semana del", "the week of"),
    ("a semana de", "the week of"),
    ("die woche vom", "the week of"),
    ("der woche vom", "the week of"),
    ("woche vom", "week of"),
    // "a partir das 14h30": from that time on, as "from 2:30pm" is.
    ("a partir das", "from"),
    ("vanaf", "from"),
    // German "ab 14 Uhr", "ab Montag".
    ("ab", "from"),
    ("à partir de", "from"),
    ("der woche ab dem", "the week of"),
    ("die woche ab dem", "the week of"),
    ("woche ab dem", "week of"),
    ("woche ab", "week of"),
    ("na semana de", "in the week of"),
    ("semana de", "the week of"),
    ("semaine du", "week of"),
    ("la settimana del", "the week of"),
    ("de week van", "the week of"),
    // The reader's clock, for the restatement check ("(9am for you)").
    ("para usted", "for you"),
    ("para ti", "for you"),
    ("pour vous", "for you"),
    ("pour toi", "for you"),
    ("für sie", "for you"),
    ("für dich", "for you"),
    ("para você", "for you"),
    ("per lei", "for you"),
    ("voor u", "for you"),
    ("voor jou", "for you"),
    // "the same time" on another day.
    ("a la misma hora", "at the same time"),
    ("à la même heure", "at the same time"),
    ("zur gleichen zeit", "at the same time"),
    ("zur selben zeit", "at the same time"),
    ("um die gleiche zeit", "at the same time"),
    ("no mesmo horário", "at the same time"),
    ("à mesma hora", "at the same time"),
    ("alla stessa ora", "at the same time"),
    ("op hetzelfde tijdstip", "at the same time"),
    ("aux mêmes heures", "at the same time"),
    ("le même jour", "the same day"),
    ("am selben tag", "on the same day"),
    ("am gleichen tag", "on the same day"),
    ("aynı gün", "the same day"),
    ("dezelfde dag", "the same day"),
    ("no mesmo dia", "on the same day"),
    ("aux mêmes horaires", "at the same time"),
    ("a las mismas horas", "at the same time"),
    ("zu den gleichen zeiten", "at the same time"),
    ("zur gleichen uhrzeit", "at the same time"),
    ("gleichen uhrzeit", "the same time"),
    ("gleichen zeit", "the same time"),
    ("selben zeit", "the same time"),
    ("misma hora", "the same time"),
    ("même heure", "the same time"),
    ("mesmo horário", "the same time"),
    ("mesma hora", "the same time"),
    ("stessa ora", "the same time"),
    ("hetzelfde tijdstip", "the same time"),
    ("zelfde tijd", "the same time"),
    // A zone named in the language: "om 10u Belgische tijd", "14 Uhr Ortszeit".
    ("belgische tijd", "Brussels time"),
    ("nederlandse tijd", "Amsterdam time"),
    ("lokale tijd", "local time"),
    ("ortszeit", "local time"),
    ("hora local", "local time"),
    ("horário local", "local time"),
    ("heure locale", "local time"),
    ("ora locale", "local time"),
    // Verbs that move a meeting, so "move ... from Thursday to Friday" reads as a move.
    // With their article first, so the moved meeting reads as "move the ...".
    ("adiar a", "move the"),
    ("adiar o", "move the"),
    ("remarcar a", "move the"),
    ("remarcar o", "move the"),
    ("aplazar la", "move the"),
    ("aplazar el", "move the"),
    ("reprogramar la", "move the"),
    ("reprogramar el", "move the"),
    ("décaler la", "move the"),
    ("décaler le", "move the"),
    ("déplacer la", "move the"),
    ("déplacer le", "move the"),
    ("reporter la", "move the"),
    ("reporter le", "move the"),
    ("spostare la", "move the"),
    ("spostare il", "move the"),
    ("rimandare la", "move the"),
    ("rimandare il", "move the"),
    ("aplazar", "move"),
    ("posponer", "move"),
    ("rimandare", "move"),
    ("décaler", "move"),
    ("déplacer", "move"),
    ("reprogramar", "move"),
    // A meal names the part of day: "pourrions-nous déjeuner le mardi 25" is lunch.
    ("petit-déjeuner", "breakfast"),
    ("petit déjeuner", "breakfast"),
    ("déjeuner", "lunch"),
    ("dejeuner", "lunch"),
    ("almoço", "lunch"),
    ("almoçar", "lunch"),
    ("almuerzo", "lunch"),
    ("almorzar", "lunch"),
    ("almorzamos", "lunch"),
    ("almorcemos", "lunch"),
    ("almoçamos", "lunch"),
    ("mittagessen", "lunch"),
    ("pranzo", "lunch"),
    ("pranzare", "lunch"),
    ("lunchen", "lunch"),
    ("remarcar", "move"),
    ("adiar", "move"),
    ("spostare", "move"),
    ("verplaatsen", "move"),
    ("verzetten", "move"),
];

/// The phrases, longest first, so a longer one is never read as a shorter one it starts with
/// ("el mismo día" before "el mismo", "een uur of 2" before "een uur"). A phrase starting with
/// an apostrophe (Dutch "'s middags") has no word boundary before it after a space, so those
/// are matched without one.
static PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    let (quoted, plain): (Vec<_>, Vec<_>) = PHRASES
        .iter()
        .copied()
        .partition(|(k, _)| k.starts_with(['\'', '\u{2019}']));
    Regex::new(&format!(
        r"(?i)(?:\b(?:{})|(?:{}))\b",
        longest_first(&plain),
        longest_first(&quoted)
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "terça-feira, dia 21", "el día 14": a day of the month by its number.
static DIA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i),?\s*\b(?:el\s+|o\s+)?d[ií]a\s+(\d{1,2})\b(\s+de\s+)?")
        .unwrap_or_else(|_| unreachable!())
});

/// "vendredi le 17", "viernes el 17": a weekday, then its day of the month (after the weekday
/// has been put in English).
static LE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+(?:le|el|il)\s+(\d{1,2})\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "du 8 au 10 février", "del 8 al 10 de febrero", "vom 8. bis 10.": a run of days.
static DAY_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:du|del|vom)\s+(\d{1,2})\.?\s+(?:au|al|bis)\s+(\d{1,2})\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "von 14:00 bis 15:30 Uhr", "de 14h à 15h30", "de 10:00 a 11:30": a run of clock times.
static CLOCK_RUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:von|de|de las|desde las)\s+(\d{1,2})(?:[:h](\d{2})|h)?(?:\s*uhr)?\s+(?:bis|à|a|a las|hasta las)\s+(\d{1,2})(?:[:h](\d{2})|h)?(?:\s*uhr)?")
        .unwrap_or_else(|_| unreachable!())
});

/// "às 10h de Brasília": a clock, then the city whose clock it is.
static CLOCK_OF_CITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2}(?:[:h]\d{2}|h)?)\s+de\s+(\p{L}+)")
        .unwrap_or_else(|_| unreachable!())
});

/// "heure de Dublin", "hora de Bogotá", "horário de Brasília": a city's time, written first.
static CITY_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:heure de\s+|heure d['’]|hora de\s+|horário de\s+|horario de\s+)(\p{L}+)")
        .unwrap_or_else(|_| unreachable!())
});

/// "heure marocaine", "hora peninsular", "deutscher Zeit": a country's time by its adjective.
static NATIONAL_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:heure|hora|horário|horario|ora)\s+(marocaine|française|francaise|belge|suisse|espagnole|italienne|allemande|portugaise|égyptienne|egyptienne|española|espanola|peninsular|chilena|argentina|colombiana|peruana|uruguaya|italiana|portuguesa|marroquí|marroqui|tedesca|spagnola|francese|inglese)\b|\b(deutscher|deutsche|schweizer|österreichischer|österreichische)\s+zeit\b")
        .unwrap_or_else(|_| unreachable!())
});

/// The English name of the zone a [`NATIONAL_TIME`] adjective names.
fn national_zone(adjective: &str) -> Option<&'static str> {
    Some(match adjective.to_lowercase().as_str() {
        "marocaine" | "marroquí" | "marroqui" => "Moroccan",
        "française" | "francaise" | "francese" => "French",
        "belge" => "Belgian",
        "suisse" | "schweizer" => "Swiss",
        "espagnole" | "española" | "espanola" | "peninsular" | "spagnola" => "Spanish",
        "italienne" | "italiana" => "Italian",
        "allemande" | "tedesca" | "deutscher" | "deutsche" => "German",
        "portugaise" | "portuguesa" => "Portuguese",
        "égyptienne" | "egyptienne" => "Egyptian",
        "chilena" => "Chilean",
        "argentina" => "Argentina",
        "colombiana" => "Colombian",
        "peruana" => "Peruvian",
        "uruguaya" => "Uruguayan",
        "inglese" => "UK",
        "österreichischer" | "österreichische" => "Austrian",
        _ => return None,
    })
}

/// The city name in the letters the zone reader knows ("Bogotá" -> "Bogota").
fn fold_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ê' => 'e',
            'í' | 'î' => 'i',
            'ó' | 'ô' | 'õ' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'Á' => 'A',
            'É' => 'E',
            c => c,
        })
        .collect()
}

/// "bis 31. Juli", "hasta el 5": a deadline word before a day number.
static UNTIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:bis(?:\s+zum)?|hasta(?:\s+el)?)\s+(\d)")
        .unwrap_or_else(|_| unreachable!())
});

/// "die Preiserhöhung zum 1. April": the date something takes effect ("as of"), after
/// [`UNTIL`] has read "bis zum".
static AS_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bzum\s+(\d)").unwrap_or_else(|_| unreachable!()));

/// "vor dem 20.", "avant le 20", "antes del 20", "prima del 20", "voor de 20e": the window
/// that ends the day before, like "before the 20th". A month name after it is kept.
static BEFORE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:vor\s+dem|vóór|avant\s+le|antes\s+del|antes\s+do|antes\s+de|prima\s+del|voor\s+de)\s+(\d{1,2})(?:\.|e|er|º)?(\s|$|[,;?!)])")
        .unwrap_or_else(|_| unreachable!())
});

/// "avant mon vol", "dans mon agenda": French "mon" after a preposition is "my", not the
/// abbreviated Monday the English layer would read.
static FRENCH_MY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(avant|après|apres|dans|avec|pour|par|sur|de|à|selon|chez)\s+mon\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "nächsten Dienstag", "próximo martes", "mardi prochain", "martes que viene": the
/// weekday after the words, once the weekday itself is English.
static NEXT_WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:nächsten|nächster|kommenden|próximo|proximo|próxima|proxima|prossimo|volgende|prochain)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+(?:prochain|prochaine|que\s+viene|que\s+vem|prossimo)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "de jeudi à vendredi", "del martes al miércoles", "von Dienstag auf Mittwoch": a meeting
/// moved from one day to another, once the weekdays are English.
static DAY_TO_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:de|del|von|do|da|van)\s+(?:(?:el|le|o)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+(?:à|au|al|a|auf|para|pra|bis|al|naar|op)\s+(?:(?:el|le|o)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// Hours written as words, in Spanish, Portuguese and French, with their number.
const HOUR_WORDS: &[(&str, u32)] = &[
    ("una", 1),
    ("uma", 1),
    ("une", 1),
    ("dos", 2),
    ("duas", 2),
    ("deux", 2),
    ("tres", 3),
    ("três", 3),
    ("trois", 3),
    ("cuatro", 4),
    ("quatro", 4),
    ("quatre", 4),
    ("cinco", 5),
    ("cinq", 5),
    ("seis", 6),
    ("six", 6),
    ("siete", 7),
    ("sete", 7),
    ("sept", 7),
    ("ocho", 8),
    ("oito", 8),
    ("huit", 8),
    ("nueve", 9),
    ("nove", 9),
    ("neuf", 9),
    ("diez", 10),
    ("dez", 10),
    ("dix", 10),
    ("once", 11),
    ("onze", 11),
    ("doce", 12),
    ("doze", 12),
    ("douze", 12),
];

fn hour_words() -> String {
    HOUR_WORDS
        .iter()
        .map(|(w, _)| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|")
}

/// "a las cuatro y media", "às duas e meia", "a la una menos cuarto": a clock spelled out
/// after the clock word, which alone makes the number a time.
static SPELLED_CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:a las|a la|às)\s+({})(?:\s+(?:y|e)\s+(media|meia|cuarto|quarto|um quarto)|\s+(menos)\s+(?:cuarto|um quarto|quarto))?\b",
        hour_words()
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "à quatre heures et demie", "à deux heures moins le quart": French needs "heures".
static SPELLED_CLOCK_FR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\bà\s+({})\s+heures?(?:\s+et\s+(demie|quart)|\s+(moins)\s+(?:le\s+)?quart)?\b",
        hour_words()
    ))
    .unwrap_or_else(|_| unreachable!())
});

/// "at H:MM" for a spelled clock's captures: the hour word, "half"/"quarter" past, "to".
fn spelled_clock(c: &Captures) -> String {
    let hour = HOUR_WORDS
        .iter()
        .find(|(w, _)| c[1].eq_ignore_ascii_case(w) || c[1].to_lowercase() == *w)
        .map_or(0, |(_, h)| *h);
    if hour == 0 {
        return c[0].to_string();
    }
    let (hour, minute) = match (c.get(2).map(|m| m.as_str().to_lowercase()), c.get(3)) {
        (_, Some(_)) => (if hour == 1 { 12 } else { hour - 1 }, 45),
        (Some(p), None) if p.starts_with("me") || p == "demie" => (hour, 30),
        (Some(_), None) => (hour, 15),
        (None, None) => (hour, 0),
    };
    format!("at {hour}:{minute:02}")
}

/// "zwischen 14 und 16 Uhr", "entre las 2 y las 4", "entre 14h et 16h", "tra le 14 e le
/// 16", "tussen 14 en 16 uur": a window between two clock times.
static BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:zwischen|entre(?:\s+(?:las|les|as))?|tra\s+le|fra\s+le|tussen)\s+(\d{1,2}(?:[:.]\d{2})?(?:\s*(?:uhr|h\d{0,2}|uur))?)\s+(?:und|y|et|e|en)\s+(?:(?:las|les|as|le)\s+)?(\d)")
        .unwrap_or_else(|_| unreachable!())
});

/// "Freitagvormittag", "Dienstagnachmittag", "donderdagochtend": German and Dutch write the
/// part of day onto the day.
static DAY_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)(vormittag|nachmittag|abend|morgen|mittag|ochtend|middag|avond)s?\b")
        .unwrap_or_else(|_| unreachable!())
});

/// German "morgen" is tomorrow, except in the greeting "Guten Morgen" and "morgens".
static MORGEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(guten\s+)?morgen\b").unwrap_or_else(|_| unreachable!()));

/// Italian and Dutch clocks: "alle 15", "alle 15:30", "om 14:00 uur", "om 14 uur", and the
/// Flemish "om 10u"; German "um 10" without its "Uhr" ("Geht Montag um 10 statt morgen?").
static CLOCK_IT_NL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:alle|om|um)\s+(\d{1,2})(?:[:.](\d{2}))?(?:\s*uur|u)?\b")
        .unwrap_or_else(|_| unreachable!())
});

/// "am 27. oder 28. August", "le 27 ou 28 août", "el 27 o 28 de agosto", "27 of 28 augustus":
/// two day numbers sharing the month after the second.
static DAY_OR_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})\.?\s+(?:oder|ou|o|of)\s+(\d{1,2})\b")
        .unwrap_or_else(|_| unreachable!())
});

/// Dutch "om half 8" and German "um halb 8", "ab halb 7", "gegen halb 3": half an hour before
/// the hour, 7:30. German "halb" means that without a preposition too ("Do halb 7"); Dutch
/// "half" only after one, since English "half 7" is 7:30.
static HALF_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(om|um|ab|vanaf|gegen|tegen|rond|bis|tot)\s+(?:half|halb)|halb)\s+(\d{1,2})\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

fn ordinal_suffix(day: &str) -> &'static str {
    match day.parse::<u32>().unwrap_or(0) {
        1 | 21 | 31 => "st",
        2 | 22 => "nd",
        3 | 23 => "rd",
        _ => "th",
    }
}

/// "a las 10:00", "à 10:30": the clock word before a written time.
static AT: LazyLock<Regex> = LazyLock::new(|| {
    // "(las 16:00 en Edimburgo)": the article alone before a restated clock.
    Regex::new(r"(?i)(?:\ba las|\ba la|às|à|\((?:las|la|as|les))\s+(\d)")
        .unwrap_or_else(|_| unreachable!())
});

/// "Mittwoch, den 15. Juli", "Freitag, der 13. Februar": German puts an article before the
/// day number.
static DEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i),?\s+de[nmr]\s+(\d)").unwrap_or_else(|_| unreachable!()));

/// Full-width digits and the punctuation the English reader splits on, as ASCII (Japanese and
/// Chinese text).
fn half_width(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '：' => out.push(':'),
            '？' => out.push_str("? "),
            '！' => out.push_str("! "),
            '。' => out.push_str(". "),
            '、' | '，' => out.push_str(", "),
            '；' => out.push_str("; "),
            _ => out.push(c),
        }
    }
    out
}

/// Every key of `table` in `text` replaced by its English, in the table's order (so a longer
/// phrase listed first wins over a word inside it). For scripts without spaces between words.
fn replace_in_order(mut text: String, table: &[(&str, &str)]) -> String {
    for (k, v) in table {
        if text.contains(k) {
            text = text.replace(k, v);
        }
    }
    text
}

/// " at 3:30 pm " from a Japanese, Chinese or Korean clock match, whose groups are: 1 the half of the
/// day when written, 2 the hour, 3 the minutes, 4 a "half" word. `morning` lists the words of
/// group 1 that mean the morning; any other word there means the afternoon or evening.
fn east_asian_clock(c: &Captures, morning: &[&str]) -> String {
    let minutes = match (c.get(3), c.get(4)) {
        (Some(m), _) => format!("{:0>2}", m.as_str()),
        (None, Some(_)) => "30".to_string(),
        _ => "00".to_string(),
    };
    let half = match c.get(1).map(|m| m.as_str()) {
        Some(w) if morning.contains(&w) => " am",
        Some(_) => " pm",
        None => "",
    };
    format!(" at {}:{minutes}{half} ", &c[2])
}

mod arabic;
mod chinese;
mod czech;
mod indic;
mod indonesian;
mod japanese;
mod korean;
mod nordic;
mod polish;
mod swahili;
mod turkish;

/// How many recent translations each thread keeps.
const REMEMBERED: usize = 4;

thread_local! {
    /// The last texts translated on this thread and their English (`None`: unchanged). Reading
    /// one email asks for the same text's English several times (its times, its zone words,
    /// its meeting length, the quoted thread), and the regex passes are a quarter of the
    /// reading's time.
    static RECENT: std::cell::RefCell<std::collections::VecDeque<(String, Option<String>)>> =
        const { std::cell::RefCell::new(std::collections::VecDeque::new()) };
}

/// The text with foreign date and clock words in English; borrowed when nothing changed.
pub fn to_english(text: &str) -> Cow<'_, str> {
    let known = RECENT.with(|r| {
        r.borrow()
            .iter()
            .find(|(t, _)| t == text)
            .map(|(_, english)| english.clone())
    });
    if let Some(english) = known {
        return english.map_or(Cow::Borrowed(text), Cow::Owned);
    }
    let out = translate_passes(text);
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() == REMEMBERED {
            r.pop_back();
        }
        let english = match &out {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s.clone()),
        };
        r.push_front((text.to_string(), english));
    });
    out
}

fn translate_passes(text: &str) -> Cow<'_, str> {
    // Japanese (before Chinese, which reads only text without kana), Chinese, Arabic, Hindi and
    // Marathi, Korean, Nordic, Polish, Czech, Turkish, Indonesian and Swahili first: their passes leave English the western
    // pass then reads. Each leaves text not in its language borrowed, untouched.
    let passes: [fn(&str) -> Cow<'_, str>; 12] = [
        japanese::rewrite,
        chinese::rewrite,
        arabic::rewrite,
        indic::rewrite,
        korean::rewrite,
        nordic::rewrite,
        polish::rewrite,
        czech::rewrite,
        turkish::rewrite,
        indonesian::rewrite,
        swahili::rewrite,
        western,
    ];
    let mut out = Cow::Borrowed(text);
    for pass in passes {
        if let Cow::Owned(s) = pass(&out) {
            out = Cow::Owned(s);
        }
    }
    out
}

/// German, Spanish, French, Portuguese, Italian and Dutch words in English.
fn western(text: &str) -> Cow<'_, str> {
    let foreign = [
        &WEEKDAY,
        &CLOCK,
        &PHRASE,
        &DAY_MONTH,
        &UNTIL,
        &AS_OF,
        &DEN,
        &AT,
        &DAY_RUN,
        &CLOCK_RUN,
        &CITY_TIME,
        &NATIONAL_TIME,
        &BEFORE_DAY,
        &MORGEN,
        &CLOCK_IT_NL,
        &HALF_BEFORE,
        &DAY_OR_DAY,
        &SPELLED_CLOCK,
        &SPELLED_CLOCK_FR,
        &BETWEEN,
        &DAY_PART,
        &DIA,
        &LE_DAY,
        &CLOCK_OF_CITY,
        &FRENCH_MY,
    ];
    if !foreign.iter().any(|r| r.is_match(text)) {
        return Cow::Borrowed(text);
    }
    let t = DAY_PART.replace_all(text, |c: &Captures| {
        let part = match c[2].to_lowercase().as_str() {
            "vormittag" | "morgen" | "ochtend" => "morning",
            "nachmittag" | "middag" => "afternoon",
            "abend" | "avond" => "evening",
            _ => "noon",
        };
        format!("{} {part}", &c[1])
    });
    let t = FRENCH_MY.replace_all(&t, "$1 my");
    let t = PHRASE.replace_all(&t, |c: &Captures| {
        lookup(PHRASES, &c[0]).unwrap_or("").to_string()
    });
    let t = SPELLED_CLOCK.replace_all(&t, spelled_clock);
    let t = SPELLED_CLOCK_FR.replace_all(&t, spelled_clock);
    let t = BETWEEN.replace_all(&t, "between $1 and $2");
    let t = WEEKDAY.replace_all(&t, |c: &Captures| {
        lookup(WEEKDAYS, &c[0]).unwrap_or("").to_string()
    });
    let t = MORGEN.replace_all(&t, |c: &Captures| {
        if c.get(1).is_some() {
            c[0].to_string()
        } else {
            "tomorrow".to_string()
        }
    });
    let t = NEXT_WEEKDAY.replace_all(&t, |c: &Captures| {
        format!("next {}", c.get(1).or(c.get(2)).map_or("", |m| m.as_str()))
    });
    // Not "from Monday to Wednesday", which reads as one window of three days: the first day
    // names the meeting being moved, as "Monday's" does in English.
    let t = DAY_TO_DAY.replace_all(&t, "$1's meeting to $2");
    let t = BEFORE_DAY.replace_all(&t, |c: &Captures| {
        format!("before the {}{}{}", &c[1], ordinal_suffix(&c[1]), &c[2])
    });
    let t = DAY_OR_DAY.replace_all(&t, "$1 or $2");
    let t = HALF_BEFORE.replace_all(&t, |c: &Captures| {
        let hour = c[2].parse::<u32>().unwrap_or(1);
        let word = match c.get(1).map(|m| m.as_str().to_lowercase()).as_deref() {
            Some("ab" | "vanaf") => "from",
            Some("gegen" | "tegen" | "rond") => "around",
            Some("bis" | "tot") => "until",
            _ => "at",
        };
        format!("{word} {}:30", if hour <= 1 { 12 } else { hour - 1 })
    });
    let src = t.clone();
    let t = CLOCK_IT_NL.replace_all(&t, |c: &Captures| {
        // "alle 15 Minuten" is German for every quarter hour, not a clock.
        let end = c.get(0).map_or(0, |m| m.end());
        let next = src[end..].trim_start().to_lowercase();
        if [
            "min", "tag", "woche", "stunde", "jahr", "monat", "prozent", "%", "euro", "€", "of",
            "people", "leute", "personen", "mal",
        ]
        .iter()
        .any(|w| next.starts_with(w))
        {
            return c[0].to_string();
        }
        format!("at {}:{}", &c[1], c.get(2).map_or("00", |m| m.as_str()))
    });
    let t = DAY_RUN.replace_all(&t, "from $1 to $2");
    let t = CITY_TIME.replace_all(&t, |c: &Captures| format!("{} time", fold_accents(&c[1])));
    let t = CLOCK_OF_CITY.replace_all(&t, |c: &Captures| {
        let city = fold_accents(&c[2]).to_lowercase();
        if super::zones::place_at(&city, 0).is_some_and(|(_, end)| end == city.len()) {
            format!("{} {} time", &c[1], fold_accents(&c[2]))
        } else {
            c[0].to_string()
        }
    });
    let t = NATIONAL_TIME.replace_all(&t, |c: &Captures| {
        let adjective = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        national_zone(adjective).map_or_else(|| c[0].to_string(), |z| format!("{z} time"))
    });
    let t = CLOCK_RUN.replace_all(&t, |c: &Captures| {
        let m = |i: usize| c.get(i).map_or("00", |m| m.as_str());
        format!("from {}:{} to {}:{}", &c[1], m(2), &c[3], m(4))
    });
    let t = DEN.replace_all(&t, " $1");
    let t = UNTIL.replace_all(&t, "by $1");
    let t = AS_OF.replace_all(&t, "as of $1");
    let t = DIA.replace_all(&t, |c: &Captures| {
        if c.get(2).is_some() {
            // "dia 21 de julho": the month follows, which the day-month rule reads.
            format!(" {} de ", &c[1])
        } else {
            format!(" the {}{}", &c[1], ordinal_suffix(&c[1]))
        }
    });
    let t = DAY_MONTH.replace_all(&t, |c: &Captures| {
        format!("{} {}", &c[1], lookup(MONTHS, &c[2]).unwrap_or(""))
    });
    let src = t.clone();
    let t = LE_DAY.replace_all(&t, |c: &Captures| {
        let end = c.get(0).map_or(0, |m| m.end());
        let next = src[end..].trim_start();
        // "jeudi le 16 April": the month follows and names the day with it.
        if super::normalise::MONTH_NAMES
            .iter()
            .any(|m| next.starts_with(m))
        {
            format!("{} {}", &c[1], &c[2])
        } else {
            format!("{} the {}{}", &c[1], &c[2], ordinal_suffix(&c[2]))
        }
    });
    let src = t.clone();
    let t = CLOCK.replace_all(&t, |c: &Captures| {
        let whole = c.get(0).map_or(0..0, |m| m.range());
        // "4h ahead of you", "2h long": a count of hours, not a clock.
        let next = src[whole.end..].trim_start().to_lowercase();
        if [
            "ahead",
            "behind",
            "long",
            "later",
            "earlier",
            "of ",
            "difference",
            "flight",
            // "a 2h session", "2h max": a length.
            "session",
            "meeting",
            "call",
            "workshop",
            "slot",
            "block",
            "visit",
            "training",
            "max",
            "tops",
            "should",
            "is enough",
            "would be",
        ]
        .iter()
        .any(|w| next.starts_with(w))
        {
            return c[0].to_string();
        }
        let minutes = c.get(2).or(c.get(3)).map_or("00", |m| m.as_str());
        let lead = if c[0]
            .to_lowercase()
            .starts_with(|ch: char| ch.is_alphabetic())
        {
            "at "
        } else {
            ""
        };
        format!("{lead}{}:{minutes}", &c[1])
    });
    let t = AT.replace_all(&t, |c: &Captures| {
        if c[0].starts_with('(') {
            format!("({}", &c[1])
        } else {
            format!("at {}", &c[1])
        }
    });
    if t == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(t.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_spanish_and_french_dates_read_as_english() {
        assert_eq!(
            to_english("schlage ich Mittwoch, den 15. Juli, um 11 Uhr vor"),
            "schlage ich Wednesday 15 July, at 11:00 vor"
        );
        assert_eq!(
            to_english("¿Qué tal el jueves 19 de febrero a las 10:00?"),
            "¿Qué tal el Thursday 19 February at 10:00?"
        );
        assert_eq!(to_english("Would 11h suit you?"), "Would 11:00 suit you?");
        assert_eq!(to_english("I'm 4h ahead of you"), "I'm 4h ahead of you");
        assert_eq!(
            to_english("Il nous faudra une bonne heure."),
            "Il nous faudra an hour."
        );
        assert_eq!(
            to_english("Das dauert etwa 15 Minuten."),
            "Das dauert etwa 15 minutes."
        );
        assert_eq!(
            to_english("Einreichung bis 31. Juli 2026"),
            "Einreichung by 31 July 2026"
        );
    }

    #[test]
    fn relative_days_moves_and_windows_read_as_english() {
        assert_eq!(
            to_english("décaler notre rendez-vous de jeudi à vendredi 14h ?"),
            "move notre rendez-vous Thursday's meeting to Friday 14:00 ?"
        );
        assert_eq!(
            to_english("können wir uns vor dem 20. kurz abstimmen?"),
            "können wir uns before the 20th kurz abstimmen?"
        );
        assert_eq!(
            to_english("Guten Morgen, passt es morgen um 10 Uhr?"),
            "Guten Morgen, passt es tomorrow at 10:00?"
        );
        assert_eq!(
            to_english("¿Tienes tiempo la semana del 12 de abril?"),
            "¿Tienes tiempo the week of 12 April?"
        );
        assert_eq!(to_english("mardi prochain"), "next Tuesday");
        assert_eq!(
            to_english("giovedì 12 marzo alle 15"),
            "Thursday 12 March at 15:00"
        );
        assert_eq!(to_english("dinsdag om 14:00 uur"), "Tuesday at 14:00");
    }

    #[test]
    fn zones_named_in_the_language() {
        assert_eq!(
            to_english("donderdag om 9u Belgische tijd"),
            "Thursday at 9:00 Brussels time"
        );
        assert_eq!(
            to_english("Freitag um 15 Uhr Ortszeit"),
            "Friday at 15:00 local time"
        );
    }

    #[test]
    fn spelled_clocks_and_clock_windows_read_as_english() {
        assert_eq!(
            to_english("¿el viernes a las tres y cuarto de la tarde?"),
            "¿el Friday at 3:15 in the afternoon?"
        );
        assert_eq!(
            to_english("quinta às duas e meia da tarde"),
            "Thursday at 2:30 in the afternoon"
        );
        assert_eq!(
            to_english("lundi à dix heures moins le quart"),
            "Monday at 9:45"
        );
        assert_eq!(
            to_english("am Dienstag zwischen 9 und 11 Uhr"),
            "am Tuesday between 9 and 11:00"
        );
        assert_eq!(
            to_english("mercredi entre 14h et 16h"),
            "Wednesday between 14:00 and 16:00"
        );
        assert_eq!(
            to_english("Oder Montagnachmittag?"),
            "Oder Monday afternoon?"
        );
        // A count of people is not a clock.
        assert_eq!(
            to_english("somos dos y media docena"),
            "somos dos y media docena"
        );
    }

    #[test]
    fn remembered_translations_are_the_translations() {
        let german = "Passt Ihnen Dienstag um 10 Uhr?";
        let english = "Does Tuesday at 10am suit you?";
        let first = translate_passes(german).into_owned();
        // More texts than are remembered, then the first again: each answer is the one the
        // passes give, and an unchanged text stays borrowed.
        for k in 0..REMEMBERED + 2 {
            let other = format!("Können wir am Mittwoch um {} Uhr telefonieren?", 9 + k);
            assert_eq!(to_english(&other), translate_passes(&other));
            assert_eq!(to_english(german), first);
            assert!(matches!(to_english(english), Cow::Borrowed(_)));
        }
        assert_ne!(first, german);
    }

    #[test]
    fn english_is_left_alone() {
        let t = "Could we meet Tuesday at 3pm, or in May? The den is free.";
        assert!(matches!(to_english(t), Cow::Borrowed(_)));
    }
}
