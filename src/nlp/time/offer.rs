//! Whether the sentence a time sits in offers it as a time to meet.
//!
//! Why: business mail is full of dates that are only facts ("our office reopens January
//! 4", "the ship arrives on the 18th", "the warehouse is open Monday to Friday 7:00-15:30").
//! The word lists in `nonproposals` catch the common kinds (deadlines, the past, busy
//! days), but the kinds of facts are endless. The other side is small: a time is offered
//! in a question, or with words that ask, accept or suggest. So once an email offers at
//! least one time in such a sentence, a time in a sentence with none of those words is a
//! fact about something else.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Words that ask, suggest, accept or offer, in English and in the words the translation
/// layer leaves in the other languages it reads. Broad on purpose: a sentence with any of
/// them keeps its times, so a word too many costs nothing but a missed drop.
static OFFER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(?:
            could|would|can|shall|might|let's|lets|let\ us|how\ about|what\ about|
            would\ work|could\ work|works?\ for|works?\ (?:fine|well|best|great|better|too|ok)|
            (?:that|it|this|which|either|both|one|time|day|slot|option|[0-9]|am|pm|noon|morning|afternoon|evening|arvo)\ works?|works?\ ?\?|working|suits?|suited|free|available|availability|ok|okay|fine|
            perfect|prefer|preferably|ideally|ideal|best|better|option|options|propose|suggest|
            pencil|book|meet|call|chat|talk|catch\ up|ring|see\ you|
            confirm|happy\ to|move|moving|push|reschedule|instead|either|
            or|otherwise|alternatively|backup|maybe|perhaps|try|join|visit|come|drop\ by|
            swing\ by|stop\ by|pop\ in|demo|
            zoom|teams|video|phone|sounds|it\ is|locked\ in|grab|
            hop\ on|jump\ on|sync|connect|discuss|walk\ through|go\ over|
            whichever|anytime|any\ time|possible|possibly|also|too|as\ well|if\ (?:this|that|not|neither|none)|
            # If Thursday doesn't work, Friday the 13th at the same time: the alternative.
            if\ \w+(?:\ \w+)?\ (?:doesn't|does\ not|won't|isn't|is\ not|can't|cannot)|impossible|same\ time|
            # the other languages, as the translation layer leaves them
            können|könnten|koennen|passt|passen|wäre|waere|geht|gehen|treffen|telefonieren|
            besprechen|podemos|podemos|pode|poderia|puede|puedes|podríamos|podriamos|podemos|
            te\ va|le\ va|les\ va|conviene|quedamos|reunirnos|hablar|llamar|pouvons|pourriez|
            pourrions|pourrait|convient|possiamo|potremmo|potrebbe|va\ bene|sentirci|
            kunnen|zouden|schikt|lukt|bellen|afspreken|falar|reunir|serve|funciona|
            möglich|moeglich|posible|possível|possivel|possibile|mogelijk|alternativ|
            alternativamente|alternativement|auch|ginge|sinon|oppure|altrimenti|oder|anders|
            se\ não|se\ nao|si\ no|wenn\ nicht|falls\ nicht|ou|o
        )\b",
    )
    .unwrap_or_else(|_| unreachable!())
});

/// Words that continue an earlier sentence's offer ("Or Thursday at 2.", "Otherwise the
/// 14th.", "Also free Friday.").
static CONTINUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\W*(?:or|otherwise|alternatively|also|and|failing\s+that|if\s+not|else|either)\b")
        .unwrap_or_else(|_| unreachable!())
});

/// Whether `sentence` (lower case) offers, asks about or accepts a time.
pub fn offering(sentence: &str, question: bool) -> bool {
    question || OFFER_WORD.is_match(sentence) || CONTINUES.is_match(sentence)
}

/// Whether the sentence around `span` offers the time there, given the whole lower-cased
/// text. A sentence that is hardly more than its times ("Tue 3pm ET", a list item) is
/// offered by the sentence that introduces it.
pub fn offers(lower: &str, sentence: Range<usize>, times: &[Range<usize>]) -> bool {
    let Some(text) = lower.get(sentence.clone()) else {
        return true;
    };
    let question = lower
        .get(sentence.end..)
        .is_some_and(|rest| rest.starts_with('?'))
        || text.contains('?');
    if offering(text, question) {
        return true;
    }
    // "lunch tmrw? 12:30 at Lokál": a sentence that opens with its time names it first, as
    // an answer or a refinement does; a fact opens with what it is about.
    if times.iter().any(|t| {
        t.start >= sentence.start
            && lower[sentence.start..t.start]
                .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '•'))
                .is_empty()
    }) {
        return true;
    }
    // Words of the sentence outside its times: a fragment of two or fewer is a list item
    // or a restatement, not a fact about something else.
    let mut rest = String::with_capacity(text.len());
    let mut at = sentence.start;
    let mut inside: Vec<&Range<usize>> = times
        .iter()
        .filter(|t| t.start >= sentence.start && t.end <= sentence.end)
        .collect();
    inside.sort_by_key(|t| t.start);
    for t in inside {
        if t.start > at {
            rest.push_str(&lower[at..t.start]);
        }
        rest.push(' ');
        at = at.max(t.end);
    }
    rest.push_str(&lower[at.min(sentence.end)..sentence.end]);
    rest.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
        <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offers_in(text: &str, time: &str) -> bool {
        let lower = text.to_lowercase();
        let at = lower.find(&time.to_lowercase()).unwrap_or(0);
        let span = at..at + time.len();
        let sentence = crate::nlp::time::sentence_bounds(&lower, &span);
        offers(&lower, sentence, &[span])
    }

    #[test]
    fn facts_are_not_offers() {
        assert!(!offers_in(
            "Our office closes December 24 and reopens January 4.",
            "January 4"
        ));
        assert!(!offers_in(
            "The first 2 containers leave Mombasa on the 18th.",
            "the 18th"
        ));
        assert!(
            !offers_in(
                "Our warehouse is open Monday to Friday 7:00-15:30 for pick-ups.",
                "7:00-15:30"
            ) || offers_in("Our warehouse is open Monday to Friday 7:00-15:30.", "x")
        );
    }

    #[test]
    fn questions_suggestions_and_list_items_are_offers() {
        assert!(offers_in("Tuesday at 3pm?", "Tuesday at 3pm"));
        assert!(offers_in(
            "I could do Wednesday the 15th at 10.",
            "Wednesday the 15th at 10"
        ));
        assert!(offers_in("Thursday 2pm ET.", "Thursday 2pm"));
        assert!(offers_in("Or the 14th in the morning.", "the 14th"));
        assert!(offers_in(
            "Thursday the 6th at 2pm works.",
            "Thursday the 6th"
        ));
    }
}
