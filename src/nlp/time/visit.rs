//! Where an in-person meeting happens when that is not where the writer is now. "I'll be in
//! Dubai from 26 to 29 April ... any time on the 27th works" is a day in Dubai, and a guest who
//! asks to come by the user's showroom on Tuesday morning means the showroom's morning: times
//! written with no zone are on the clock of the place where the people meet.

use std::sync::LazyLock;

use regex::Regex;

use super::venue;
use super::zones::{self, Zone};

/// The writer says where they will be: the place follows the match.
static STAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?:
            \b(?:i'll|i\ will|i'm|i\ am|we'll|we\ will|we're|we\ are|i'm\ going\ to|we're\ going\ to|i\ shall)
            \s+(?:also\s+|probably\s+|actually\s+|hopefully\s+)?(?:be\s+)?
            (?:down\s+|up\s+|over\s+|out\s+|back\s+)?
            (?:in|visiting|travel(?:l)?ing\ to|flying\ (?:in)?to|coming\ (?:up\ |down\ |over\ )?to|heading\ (?:up\ |down\ |over\ )?to)
          | \b(?:my|our)\ (?:trip|visit|stay)\ (?:to|in)
          | \b(?:when|while)\ (?:i'm|i\ am|we're|we\ are)\ (?:in|over\ in|out\ in)
          | \bje\ serai(?:\ de\ passage)?\ à | \bnous\ serons(?:\ de\ passage)?\ à
          | \bestar[ée]\ en | \bestaremos\ en | \bvou\ estar\ em | \bestarei\ em | \bvamos\ estar\ em
          | \bsarò\ a | \bsaremo\ a | \bich\ bin\ (?:nächste\ woche\ )?in | \bik\ ben\ (?:volgende\ week\ )?in
          # Arriving: our flight now gets into Osaka late on the 31st; we land in Lyon.
          | \b(?:we|i)\ (?:arrive|land|get)\ in(?:to)? | \b(?:arriving|landing)\ in(?:to)?
          | \b(?:gets|arrives|lands)\ in(?:to)?
          | \bje\ serai\ (?:au|en|aux) | \bnous\ serons\ (?:au|en|aux)
          | \bviajo\ a | \bviajamos\ a | \bllego\ a | \bllegamos\ a
        )\s",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Words that say the writer comes to the reader.
const COMES_OVER: &[&str] = &[
    "come by",
    "stop by",
    "drop by",
    "swing by",
    "pop by",
    "pop in",
    "pop over",
    "come over",
    "come to your",
    "come and see",
    "visit you",
    "visit your",
    "meet at your",
    "meet you at your",
    "see you at your",
    "in your city",
    "passar pelo vosso",
    "passar pela vossa",
    "passer à votre",
    "passer vous voir",
    "pasar por su",
    "pasar por tu",
    "vorbeikommen",
];

/// "your office", "your Korangi unit", "your new Leeds showroom": the reader's premises, with
/// up to two words between.
static READERS_PREMISES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\byour\s+(?:[a-z'-]+\s+){0,2}?(?:office|offices|workshop|showroom|factory|site|premises|studio|warehouse|plant|atelier|shop|store|place|terminal|yard|farm|estate|mill|lab|clinic|unit|facility|gallery|hq|headquarters|depot|branch|distillery|winery|vineyard|kitchen|restaurant|hotel|hospital|campus|shed|works)\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// The reader's own premises (`text` lower-cased).
pub fn names_readers_place(text: &str) -> bool {
    READERS_PREMISES.is_match(text)
        || [
            "vosso showroom",
            "vossa fábrica",
            "vosso escritório",
            "votre bureau",
            "votre atelier",
            "su oficina",
            "tu oficina",
        ]
        .iter()
        .any(|w| text.contains(w))
}

/// The zone of the place the meeting is held, when the email says it is somewhere the
/// writer is travelling to (a city they will be in) or at the reader's (when the reader's
/// zone is known); `None` for a call or video meeting, or when nothing says so.
pub fn meeting_zone(lower: &str, reader: Option<Zone>) -> Option<Zone> {
    // "I'll be in Berlin next week; can we do a Zoom on Monday at 10": the meeting is not
    // where the writer is.
    if venue::remote_cue(lower) && !venue::in_person_cue(lower) {
        return None;
    }
    let stay = STAY
        .find_iter(lower)
        .find_map(|m| zones::place_at(lower, m.end()).map(|(tz, _)| tz));
    if let Some(tz) = stay {
        return Some(Zone::Iana(tz));
    }
    let comes_over = COMES_OVER.iter().any(|w| lower.contains(w));
    let at_readers = names_readers_place(lower)
        && (comes_over || lower.contains("visit") || lower.contains("meet at"));
    reader.filter(|_| writer_in_town(lower) || at_readers || travels_to_reader(lower))
}

/// "Time for the annual lender site visit ... We'd fly in Monday night", "Jon will need the
/// three days on site": the writer travels to the reader's site.
fn travels_to_reader(lower: &str) -> bool {
    [
        "site visit",
        "fly in ",
        "fly into",
        "flying in ",
        "days on site",
        "day on site",
        "days on-site",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// "I'll be in town on the 21st": the writer comes to the reader's town. Not "if you happen
/// to be in town", which is the reader coming to the writer's.
fn writer_in_town(lower: &str) -> bool {
    lower.match_indices(" in town").any(|(at, _)| {
        let head = lower[..at].trim_end_matches(" be");
        [
            "i'll", "i will", "i'm", "i am", "we'll", "we will", "we're", "we are",
        ]
        .iter()
        .any(|w| head.ends_with(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;

    fn zone(text: &str, reader: Option<Tz>) -> Option<Zone> {
        meeting_zone(&text.to_lowercase(), reader.map(Zone::Iana))
    }

    #[test]
    fn a_city_the_writer_will_be_in_is_where_they_meet() {
        assert_eq!(
            zone(
                "I'll be in Dubai from 26 to 29 April. When would you be free to meet?",
                None
            ),
            Some(Zone::Iana(Tz::Asia__Dubai))
        );
        assert_eq!(
            zone(
                "I'm down in Sydney 15-17 March. Fancy a coffee on the 16th at 8?",
                None
            ),
            Some(Zone::Iana(Tz::Australia__Sydney))
        );
        assert_eq!(
            zone(
                "Je serai à Brisbane du 24 au 28 août, pourrions-nous déjeuner ?",
                None
            ),
            Some(Zone::Iana(Tz::Australia__Brisbane))
        );
        assert_eq!(
            zone(
                "Rather than another Teams call, I'll be in Winnipeg on the 4th: lunch at noon?",
                None
            ),
            Some(Zone::Iana(Tz::America__Winnipeg))
        );
    }

    #[test]
    fn a_call_from_a_trip_is_not_held_there() {
        assert_eq!(
            zone("I'll be in Berlin next week; a Zoom on Monday at 10?", None),
            None
        );
        assert_eq!(
            zone("I'm in meetings all Monday; Tuesday at 10?", None),
            None
        );
        assert_eq!(
            zone(
                "I was in Dubai last week. Could we talk Tuesday at 10?",
                None
            ),
            None
        );
    }

    #[test]
    fn coming_to_the_readers_premises_is_on_the_readers_clock() {
        let lisbon = Some(Tz::Europe__Lisbon);
        assert_eq!(
            zone("Could we come by your showroom on Tuesday morning?", lisbon),
            Some(Zone::Iana(Tz::Europe__Lisbon))
        );
        assert_eq!(
            zone("We'll be in town on the 21st, could we stop by?", lisbon),
            Some(Zone::Iana(Tz::Europe__Lisbon))
        );
        assert_eq!(
            zone(
                "If you happen to be in town, our breakfast is on the 19th at 8:30.",
                lisbon
            ),
            None
        );
        // Without a known reader, or without a visit, nothing changes.
        assert_eq!(
            zone("Could we come by your showroom on Tuesday?", None),
            None
        );
        assert_eq!(
            zone("Your office sent the invoice. Tuesday at 10?", lisbon),
            None
        );
    }
}
