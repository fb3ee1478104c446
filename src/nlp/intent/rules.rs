//! High-precision phrase and header rules; each fired rule is named and becomes a model feature.

use aho_corasick::{AhoCorasick, MatchKind};

use super::model::ModelError;
use super::{HeaderFacts, Intent};

/// Where a rule looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Body,
    Subject,
}

/// One named rule: phrases that, found at a word start in the normalised text, suggest an intent.
struct Rule {
    name: &'static str,
    /// The intent the rule points to (documentation and tests; the model learns the weight).
    intent: Intent,
    scope: Scope,
    phrases: &'static [&'static str],
}

// Phrases are matched on lower-cased text reduced to words joined by single spaces, at a word
// start, so "cancel" also matches "cancelled" and "cancellation", and "reschedul" every form.
const RULES: &[Rule] = &[
    Rule {
        name: "cancel_meeting",
        intent: Intent::Cancel,
        scope: Body,
        phrases: &[
            "have to cancel",
            "need to cancel",
            "going to cancel",
            "will have to cancel",
            "must cancel",
            "cancel our",
            "cancel the meeting",
            "cancel the call",
            "cancel tomorrow",
            "cancel today",
            "cancel my",
            "cancelling our",
            "canceling our",
            "call off",
            "calling off",
            "no longer need to meet",
            "no longer need the meeting",
            "no longer need the call",
            "scrap our",
            "scrap the meeting",
            "drop our meeting",
            "not going ahead",
            "won't be going ahead",
            "please take it off",
            "take it off the calendar",
            "remove it from the calendar",
            "remove the meeting",
        ],
    },
    Rule {
        name: "reschedule_request",
        intent: Intent::Reschedule,
        scope: Body,
        phrases: &[
            "reschedul",
            "re schedul",
            "push our",
            "push the meeting",
            "push the call",
            "push it back",
            "push it to",
            "push back our",
            "move our",
            "move the meeting",
            "move the call",
            "move it to",
            "moving our",
            "postpone",
            "bump our",
            "bump the",
            "shift our",
            "shift the meeting",
            "change the time",
            "change our meeting",
            "a different time",
            "a different day",
            "another time instead",
            "can't make our",
            "cannot make our",
            "can't make it tomorrow",
            "can't make it on",
            "rain check",
            "raincheck",
            "cannot go ahead as planned",
            "can't go ahead as planned",
            "can't go ahead on",
            "cannot go ahead on",
            "shift it to",
            "we had for",
            "we had booked for",
            "we had scheduled",
            "instead of our",
            "new time for our",
            "a new time for",
        ],
    },
    Rule {
        name: "confirm_time",
        intent: Intent::Confirm,
        scope: Body,
        phrases: &[
            "works for me",
            "work for me",
            "works great",
            "works perfectly",
            "that works",
            "see you then",
            "see you there",
            "see you on",
            "see you tomorrow",
            "see you at",
            "see you next",
            "talk then",
            "speak then",
            "confirmed",
            "i confirm",
            "confirming",
            "i'll be there",
            "count me in",
            "let's do",
            "lets do",
            "let's go with",
            "lets go with",
            "i'll take the",
            "booked it",
            "locked in",
            "it's a date",
            "sent you an invite",
            "sending an invite",
            "i'll send an invite",
            "i'll send a calendar invite",
            "just sent the invite",
            "perfect see you",
        ],
    },
    Rule {
        name: "decline_meeting",
        intent: Intent::Decline,
        scope: Body,
        phrases: &[
            "not interested",
            "i'll pass",
            "i will pass",
            "have to pass",
            "going to pass",
            "gonna pass",
            "pass on this",
            "pass for now",
            "respectfully decline",
            "have to decline",
            "must decline",
            "going to decline",
            "will decline",
            "no need to meet",
            "don't think a meeting",
            "don't see the need",
            "not a fit",
            "not a good fit",
            "not the right fit",
            "not the right time for us",
            "not at this time",
            "please remove me",
            "take me off your list",
            "don't contact me",
            "do not contact me",
            "stop emailing",
            "not going to be able to meet",
            "won't be able to meet",
            "unable to meet",
            "no bandwidth",
            "don't have the bandwidth",
            "not taking meetings",
        ],
    },
    Rule {
        name: "availability_question",
        intent: Intent::AvailabilityCheck,
        scope: Body,
        phrases: &[
            "are you available",
            "are you free",
            "are you around",
            "when are you free",
            "when are you available",
            "when would you be available",
            "when would you be free",
            "what's your availability",
            "whats your availability",
            "what is your availability",
            "your availability",
            "do you have any availability",
            "do you have availability",
            "do you have time",
            "do you have any time",
            "would you have time",
            "any chance you're free",
            "any chance you are free",
            "what times work",
            "what time works",
            "what days work",
            "which days work",
            "when works for you",
            "when suits you",
            "when is good for you",
            "send me a few times",
            "send me some times",
            "share a few times",
            "free slots",
            "open slots",
            "you around",
            "you free on",
            "you free for",
            "you free to",
            "you be around",
            "would you have half an hour",
            "would you have an hour",
            "would you have 30",
            "do you have half an hour",
            "do you have an hour",
            "could you spare",
            "can you spare",
            "when could you",
            "when can you",
            "when would suit",
            "what would suit",
            "a time that suits",
            "a time that works",
            "what suits you",
            "what works for you",
            "what works best for you",
            "when works best",
            "let me know when you're free",
            "let me know when you are free",
            "how does your week look",
            "how is your week looking",
            "how's your week looking",
            "how does your calendar look",
            "what does your calendar look like",
            "what does your week look like",
            "any availability",
            "any free time",
        ],
    },
    Rule {
        name: "schedule_request",
        intent: Intent::Schedule,
        scope: Body,
        phrases: &[
            "set up a meeting",
            "set up a call",
            "set up a time",
            "setup a call",
            "setup a meeting",
            "schedule a",
            "book a",
            "book some time",
            "find a time",
            "find some time",
            "grab coffee",
            "grab a coffee",
            "grab lunch",
            "hop on a call",
            "jump on a call",
            "get on a call",
            "get together",
            "meet up",
            "let's meet",
            "lets meet",
            "can we meet",
            "could we meet",
            "shall we meet",
            "would you like to meet",
            "would love to meet",
            "would love to chat",
            "love to connect",
            "quick call",
            "quick chat",
            "intro call",
            "would you be open to",
            "how about",
            "does that work",
            "would that work",
            "would any of these work",
            "do any of these work",
            "come by",
            "swing by",
            "stop by",
            "drop by",
        ],
    },
    Rule {
        name: "proposes_times",
        intent: Intent::Schedule,
        scope: Body,
        phrases: &[
            "i propose",
            "we propose",
            "propose a",
            "proposing",
            "request a meeting",
            "arrange a meeting",
            "arrange a call",
            "grateful if we could",
            "we would be available",
            "i would be available",
            "i am available",
            "i'm available",
            "i'm free",
            "i am free",
            "i'm around",
            "i could do",
            "i can do",
            "we could do",
            "would you be up for",
            "up for a",
            "let me know which",
            "which works",
            "which one works",
            "your pick",
            "send me a couple of times",
            "a couple of options",
            "a time that suits",
            "at your convenience",
            "any chance of a call",
            "pencil in",
            "or would",
            "either",
        ],
    },
    Rule {
        name: "cancel_word",
        intent: Intent::Cancel,
        scope: Body,
        phrases: &[
            "cancel",
            "called off",
            "bail on",
            "skip our",
            "skip the",
            "let's skip",
            "no need for the",
            "not needed anymore",
            "isn't needed anymore",
            "no longer needed",
            "won't go ahead",
            "will not go ahead",
            "removed it from the calendar",
            "drop our",
            "is off",
            "no class",
            "disregard",
        ],
    },
    Rule {
        name: "move_word",
        intent: Intent::Reschedule,
        scope: Body,
        phrases: &[
            "move",
            "moving",
            "moved",
            "push",
            "shift",
            "rearrange",
            "bump",
            "instead of",
            "later in the week",
            "a week later",
            "one week later",
            "came up",
            "conflict",
            "double booked",
            "after all",
            "new date",
            "new time",
        ],
    },
    Rule {
        // An existing meeting referred to: what separates moving or calling off a meeting from
        // setting up a new one (the intent definitions of reschedule and cancel).
        name: "existing_meeting",
        intent: Intent::Reschedule,
        scope: Body,
        phrases: &[
            "monday's call",
            "monday's meeting",
            "monday's sync",
            "monday's session",
            "monday's appointment",
            "tuesday's call",
            "tuesday's meeting",
            "tuesday's sync",
            "tuesday's session",
            "tuesday's appointment",
            "wednesday's call",
            "wednesday's meeting",
            "wednesday's sync",
            "wednesday's session",
            "wednesday's appointment",
            "thursday's call",
            "thursday's meeting",
            "thursday's sync",
            "thursday's session",
            "thursday's appointment",
            "friday's call",
            "friday's meeting",
            "friday's sync",
            "friday's session",
            "friday's appointment",
            "tomorrow's call",
            "tomorrow's meeting",
            "tomorrow's sync",
            "tomorrow's session",
            "tomorrow's appointment",
            "today's call",
            "today's meeting",
            "today's sync",
            "today's session",
            "today's appointment",
            "tonight's call",
            "tonight's meeting",
            "tonight's sync",
            "tonight's session",
            "tonight's appointment",
            "next week's call",
            "next week's meeting",
            "next week's sync",
            "next week's session",
            "next week's appointment",
            "our call",
            "our meeting",
            "our sync",
            "our chat",
            "our catch up",
            "our session",
            "our appointment",
            "our review",
            "our 1",
            "our lunch",
            "our coffee",
            "same time",
            "same place",
            "same link",
            "same zoom",
            "new times for",
            "unser termin",
            "unseren termin",
            "unser treffen",
            "unser gespräch",
            "notre rendez vous",
            "notre réunion",
            "notre appel",
            "nuestra reunión",
            "nuestra llamada",
            "la riunione di",
            "la nostra riunione",
            "la nostra call",
            "ons gesprek",
            "onze afspraak",
            "onze meeting",
            "nossa reunião",
            "nosso encontro",
            "vårt möte",
        ],
    },
    Rule {
        name: "decline_soft",
        intent: Intent::Decline,
        scope: Body,
        phrases: &[
            "won't need",
            "will not need",
            "won't be able to make it",
            "can't attend",
            "cannot attend",
            "unable to attend",
            "won't take you up",
            "different direction",
            "decided not to",
            "sit this one out",
            "count me out",
            "bow out",
            "say no",
            "not able to",
            "no thanks",
            "no thank you",
            "not looking",
            "not a priority",
            "thanks but",
            "thank you but",
            "appreciate it but",
            "appreciate the offer",
            "flattered",
            "honoured but",
            "honored but",
            "not doing any",
            "not taking",
            "fully booked",
        ],
    },
    Rule {
        name: "cancel_foreign",
        intent: Intent::Cancel,
        scope: Body,
        phrases: &[
            "中止",
            "キャンセル",
            "取りやめ",
            "peruuntuu",
            "peruttava",
            "perua",
            "perumaan",
            "peruttu",
            "iptal etmek",
            "iptal ediyorum",
            "iptal ettik",
            "dibatalkan",
            "batal",
            "absagen",
            "abgesagt",
            "entfällt",
            "fällt aus",
            "annuler",
            "annulé",
            "annulée",
            "cancelar",
            "cancelo",
            "cancelada",
            "cancelado",
            "desmarcar",
            "annullare",
            "annullato",
            "annullat",
            "disdett",
            "cancellat",
            "anulad",
            "inställ",
            "ställa in",
            "avboka",
            "aflys",
            "avlys",
            "findet nicht statt",
            "n'aura pas lieu",
            "no se celebrará",
            "não vai acontecer",
            "wordt geannuleerd",
            "geannuleerd",
            "afzeggen",
            "gaat niet door",
            "odwołać",
            "odwołuję",
            "odwołane",
            "odwołana",
            "odwołujemy",
            "nie odbędzie się",
            "취소",
        ],
    },
    Rule {
        name: "reschedule_foreign",
        intent: Intent::Reschedule,
        scope: Body,
        phrases: &[
            "日程を変更",
            "変更していただけ",
            "変更させて",
            "ずらして",
            "別の日に",
            "siirtää",
            "siirtäisimme",
            "siirretään",
            "siirto",
            "erteleyebilir miyiz",
            "erteleyelim",
            "alabilir miyiz",
            "kaydırabilir miyiz",
            "geser ke",
            "pindah ke",
            "diundur",
            "dipindah",
            "ditunda ke",
            "verschieben",
            "verlegen",
            "anderen termin",
            "neuen termin",
            "reporter",
            "décaler",
            "deplacer",
            "déplacer",
            "reprogramar",
            "aplazar",
            "cambiar la",
            "otra fecha",
            "remarcar",
            "adiar",
            "outro horário",
            "spostare",
            "rinviare",
            "verzetten",
            "verplaatsen",
            "umlegen",
            "später verschieben",
            "repousser",
            "reporter notre",
            "avancer notre",
            "mover la",
            "cambiar la hora",
            "posponer",
            "spostiamo",
            "anticipare",
            "posticipare",
            "flytta",
            "flytte",
            "przełożyć",
            "przełożenie",
            "przełożymy",
            "przesunąć",
            "przenieść",
            "przeniesienie",
            "pasémosla",
            "pasemos la",
            "cambiemos",
            "연기",
            "변경",
            "미루",
            "옮기",
        ],
    },
    Rule {
        name: "confirm_foreign",
        intent: Intent::Confirm,
        scope: Body,
        phrases: &[
            "で大丈夫です",
            "でお願いします",
            "承知しました",
            "了解しました",
            "問題ありません",
            "sopii hyvin",
            "sopii minulle",
            "käy hyvin",
            "nähdään silloin",
            "passt mir",
            "passt gut",
            "passt perfekt",
            "einverstanden",
            "bis dann",
            "ça me va",
            "ça marche",
            "c'est noté",
            "me viene bien",
            "me va bien",
            "me parece bien",
            "nos vemos",
            "funciona para mim",
            "perfeito",
            "combinado",
            "va bene",
            "ci vediamo",
            "schikt mij",
            "komt goed uit",
            "suits us",
            "suits me",
            "pasuje mi",
            "odpowiada mi",
            "potwierdzam",
            "do zobaczenia",
            "좋습니다",
            "그때 뵙",
            "확정",
        ],
    },
    Rule {
        name: "decline_foreign",
        intent: Intent::Decline,
        scope: Body,
        phrases: &[
            "参加できません",
            "伺えません",
            "見送らせて",
            "辞退",
            "en pääse",
            "emme pääse",
            "ei kiinnosta",
            "nicht teilnehmen",
            "keine zeit",
            "kein interesse",
            "no podremos",
            "no podré",
            "no me interesa",
            "ne pourrons pas",
            "ne pourrai pas",
            "pas intéressé",
            "não poderei",
            "não vamos poder",
            "não tenho interesse",
            "non potrò",
            "niet deelnemen",
            "regret to inform",
            "will not be proceeding",
            "not be proceeding",
            "no need for us to meet",
            "we went with",
            "i'm good on",
            "kann leider nicht",
            "leider nicht teilnehmen",
            "muss leider passen",
            "möchte ich absagen",
            "je ne pourrai pas",
            "je dois décliner",
            "je préfère ne pas",
            "prefiero no",
            "no voy a poder",
            "no podré asistir",
            "tengo que declinar",
            "non riesco",
            "preferisco non",
            "non posso partecipare",
            "kan helaas niet",
            "não vou poder",
            "prefiro não",
            "kan tyvärr inte",
            "kan desværre ikke",
            "i'll pass",
            "i will pass",
            "pass on this",
            "pass on a call",
            "pass on the call",
            "pass on meeting",
            "nie jesteśmy zainteresowani",
            "참석이 어렵",
            "참석하기 어렵",
        ],
    },
    Rule {
        name: "availability_foreign",
        intent: Intent::AvailabilityCheck,
        scope: Body,
        phrases: &[
            "ご都合のよい日",
            "ご都合の良い日",
            "ご都合のよい時間",
            "ご都合の良い時間",
            "空いている日",
            "空いている時間",
            "お時間ありますか",
            "milloin sinulle sopisi",
            "milloin teille sopisi",
            "milloin sopisi",
            "milloin olet vapaa",
            "milloin olisit",
            "hangi günler müsait",
            "ne zaman müsait",
            "müsait misiniz",
            "kapan ada waktu",
            "kapan bisa",
            "ada waktu",
            "bila boleh",
            "wann hast du zeit",
            "wann haben sie zeit",
            "wann passt es",
            "wann passt es ihnen",
            "hätten sie zeit",
            "hast du zeit",
            "cuándo estás disponible",
            "cuándo está disponible",
            "disponibilidad",
            "quand êtes vous disponible",
            "quand es tu disponible",
            "vos disponibilités",
            "tes disponibilités",
            "disponibilidade",
            "quando você pode",
            "disponibilità",
            "wanneer heb je tijd",
            "let me know your availability",
            "share your availability",
            "send over a few times",
            "share 2",
            "share a few slots",
            "would you have an hour",
            "would you have time",
            "what does your schedule look like",
            "which days you are available",
            "tell me your availability",
            "qué días tienes",
            "qué día te viene",
            "cuándo te viene",
            "cuándo tienes",
            "cuándo podrías",
            "quando estás disponível",
            "quando está disponível",
            "quando você está",
            "quando sei libero",
            "quando sei disponibile",
            "quando saresti",
            "come sei messo",
            "wann hätten sie",
            "wann hättest du",
            "wann könnten sie",
            "wann könntest du",
            "welche tage",
            "quels jours",
            "quelles sont vos",
            "wanneer ben je",
            "wanneer heb je",
            "wanneer kun je",
            "när har du tid",
            "när passar det",
            "hvornår har du tid",
            "reply with your availability",
            "dogodnego terminu",
            "dogodny termin",
            "który dzień",
            "znalazłaby pani czas",
            "znalazłby pan czas",
            "언제 시간",
            "가능한 시간",
            "일정 알려",
        ],
    },
    Rule {
        name: "schedule_foreign",
        intent: Intent::Schedule,
        scope: Body,
        phrases: &[
            "できますか",
            "いかがでしょうか",
            "いかがですか",
            "伺えます",
            "お会いできれば",
            "お会いできますか",
            "打ち合わせ",
            "sopisiko",
            "voisimmeko",
            "tavataanko",
            "tapaisimme",
            "sopiiko",
            "uygun musunuz",
            "uygun mu",
            "görüşebilir miyiz",
            "buluşalım",
            "toplantı yapalım",
            "bisa ketemu",
            "bagaimana kalau",
            "gimana kalau",
            "bareng tim",
            "bolehkah kita",
            "boleh kita",
            "bisa saya",
            "saya bisa",
            "proponuję",
            "czy możemy się spotkać",
            "możesz jutro",
            "siądźmy",
            "가능하실까요",
            "가능하신가요",
            "어떠세요",
            "뵐 수 있을까요",
            "könnten wir uns",
            "können wir uns",
            "pourrions-nous",
            "pourrait-on",
            "podríamos reunirnos",
            "podemos reunirnos",
            "poderíamos marcar",
            "podemos marcar",
        ],
    },
    Rule {
        name: "out_of_office",
        intent: Intent::Other,
        scope: Body,
        phrases: &[
            "out of office",
            "out of the office",
            "on annual leave",
            "on parental leave",
            "on maternity leave",
            "on vacation until",
            "on holiday until",
            "limited access to email",
            "limited access to my email",
            "no access to email",
            "will respond when i return",
            "will reply when i return",
            "respond to your message when i return",
            "upon my return",
            "automatic reply",
            "auto reply",
            "autoreply",
            "i am currently away",
            "i'm currently away",
            "away from the office",
        ],
    },
    Rule {
        name: "bounce_notice",
        intent: Intent::Other,
        scope: Body,
        phrases: &[
            "delivery has failed",
            "delivery to the following recipient",
            "delivery status notification",
            "undeliverable",
            "could not be delivered",
            "couldn't be delivered",
            "wasn't delivered",
            "was not delivered",
            "message not delivered",
            "address not found",
            "recipient address rejected",
            "mailbox unavailable",
            "mailbox full",
            "permanent failure",
            "mailer daemon",
            "user unknown",
            "550 5",
            "554 5",
        ],
    },
    Rule {
        name: "list_footer",
        intent: Intent::Other,
        scope: Body,
        phrases: &[
            "unsubscribe",
            "view in browser",
            "view this email in your browser",
            "manage your preferences",
            "update your preferences",
            "email preferences",
            "you are receiving this",
            "you're receiving this",
            "you received this email",
            "all rights reserved",
            "privacy policy",
            "no longer wish to receive",
        ],
    },
    Rule {
        name: "receipt_or_order",
        intent: Intent::Other,
        scope: Body,
        phrases: &[
            "your order",
            "order number",
            "order confirmation",
            "receipt for",
            "your receipt",
            "payment received",
            "payment of",
            "invoice number",
            "amount due",
            "tracking number",
            "has shipped",
            "subscription renew",
            "your subscription",
        ],
    },
    Rule {
        name: "calendar_notification",
        intent: Intent::Other,
        scope: Body,
        phrases: &[
            "invitation from google calendar",
            "you are receiving this courtesy email",
            "you have been invited to the following event",
            "has been invited to the following event",
            "has accepted this invitation",
            "has declined this invitation",
            "has tentatively accepted",
            "this event has been cancelled",
            "this event has been canceled",
            "this event has been changed",
            "view all guest info",
            "join with google meet",
            "join microsoft teams meeting",
            "join zoom meeting",
            "reply for",
            "invitation from outlook",
            "forwarding this invitation",
        ],
    },
    Rule {
        name: "calendar_notification_subject",
        intent: Intent::Other,
        scope: Subject,
        phrases: &[
            "invitation:",
            "updated invitation",
            "accepted:",
            "declined:",
            "tentatively accepted",
            "canceled event",
            "cancelled event",
            "new event:",
            "event reminder",
            "reminder:",
        ],
    },
    Rule {
        name: "automatic_subject",
        intent: Intent::Other,
        scope: Subject,
        phrases: &[
            "automatic reply",
            "auto reply",
            "autoreply",
            "out of office",
            "out of the office",
            "undeliverable",
            "undelivered mail",
            "delivery status notification",
            "mail delivery failed",
            "delivery failure",
            "returned mail",
        ],
    },
];

/// Header rules: names reported when the header fact is set.
pub const HEADER_RULES: [&str; 3] = [
    "header_auto_submitted",
    "header_list_id",
    "header_precedence_bulk",
];

/// The phrase rules compiled into two automata (body and subject).
#[derive(Debug, Clone)]
pub struct RuleSet {
    body: AhoCorasick,
    body_rule: Vec<usize>,
    subject: AhoCorasick,
    subject_rule: Vec<usize>,
}

impl RuleSet {
    /// Compiles the rules.
    pub fn new() -> Result<Self, ModelError> {
        let (body, body_rule) = compile(Scope::Body)?;
        let (subject, subject_rule) = compile(Scope::Subject)?;
        Ok(RuleSet {
            body,
            body_rule,
            subject,
            subject_rule,
        })
    }

    /// Number of phrase rules (each is one model feature).
    pub fn len(&self) -> usize {
        RULES.len()
    }

    /// Whether there are no phrase rules.
    pub fn is_empty(&self) -> bool {
        RULES.is_empty()
    }

    /// Names of the phrase rules, in feature order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        RULES.iter().map(|r| r.name)
    }

    /// The intent a named rule points to.
    pub fn intent_of(name: &str) -> Option<Intent> {
        RULES.iter().find(|r| r.name == name).map(|r| r.intent)
    }

    /// Which phrase rules fire, as a bit set over rule positions. `body_norm` and `subject_norm`
    /// are the normalised texts built by the feature extractor (words joined by single spaces,
    /// with a leading space).
    pub fn fire(&self, body_norm: &str, subject_norm: &str) -> u64 {
        let mut fired = 0u64;
        for m in self.body.find_overlapping_iter(body_norm) {
            if !negated(&body_norm[..m.start()]) {
                fired |= 1 << self.body_rule[m.pattern().as_usize()];
            }
        }
        for m in self.subject.find_overlapping_iter(subject_norm) {
            if !negated(&subject_norm[..m.start()]) {
                fired |= 1 << self.subject_rule[m.pattern().as_usize()];
            }
        }
        fired
    }

    /// The name of the phrase rule at a position.
    pub fn name(index: usize) -> Option<&'static str> {
        RULES.get(index).map(|r| r.name)
    }
}

/// Whether one of the two words before a phrase negates it: "Monday doesn't work for me" is not
/// a confirmation, "I don't need to cancel" not a cancellation.
fn negated(before: &str) -> bool {
    const NEGATIONS: [&str; 14] = [
        "not", "no", "never", "doesn't", "don't", "didn't", "won't", "wouldn't", "isn't", "can't",
        "cannot", "nothing", "hardly", "longer",
    ];
    before
        .rsplit(' ')
        .filter(|w| !w.is_empty())
        .take(2)
        .any(|w| NEGATIONS.contains(&w))
}

/// Header facts as rule names, in [`HEADER_RULES`] order.
pub fn header_rules(headers: &HeaderFacts) -> [bool; 3] {
    [headers.auto_submitted, headers.list, headers.bulk]
}

use Scope::{Body, Subject};

fn compile(scope: Scope) -> Result<(AhoCorasick, Vec<usize>), ModelError> {
    const _: () = assert!(RULES.len() <= 64, "fired rules are a u64 bit set");
    let mut patterns = Vec::new();
    let mut owner = Vec::new();
    for (i, rule) in RULES.iter().enumerate().filter(|(_, r)| r.scope == scope) {
        for phrase in rule.phrases {
            patterns.push(format!(" {}", normalise_phrase(phrase)));
            owner.push(i);
        }
    }
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .map_err(|e| ModelError::Rules(e.to_string()))?;
    Ok((automaton, owner))
}

/// Puts a phrase in the same shape as the normalised text (punctuation other than the apostrophe
/// becomes a word break), so "invitation:" matches the word "invitation" at a subject's start.
fn normalise_phrase(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len());
    for word in phrase
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_unique_name_and_phrases() {
        let mut names: Vec<_> = RuleSet::names().collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
        assert!(RULES.iter().all(|r| !r.phrases.is_empty()));
    }

    fn fired_names(body: &str) -> Vec<&'static str> {
        let rules = RuleSet::new().unwrap();
        let mut norm = String::new();
        crate::nlp::intent::features::normalise_into(body, &mut norm);
        let bits = rules.fire(&norm, "");
        (0..RULES.len())
            .filter(|i| bits & (1 << i) != 0)
            .map(|i| RULES[i].name)
            .collect()
    }

    #[test]
    fn phrases_fire_at_word_starts_in_any_inflection() {
        assert!(fired_names("So sorry, I need to CANCEL our call.").contains(&"cancel_meeting"));
        assert!(fired_names("We are rescheduling the review").contains(&"reschedule_request"));
        assert!(fired_names("Thursday at 2 works for me!").contains(&"confirm_time"));
        assert!(fired_names("I am out of the office until May").contains(&"out_of_office"));
        // "uncancelled" does not start with "cancel".
        assert!(!fired_names("the uncancelled flights").contains(&"cancel_word"));
    }

    #[test]
    fn an_existing_meeting_is_recognised_in_several_languages() {
        for body in [
            "Could we bump Friday's call to Tuesday?",
            "Can we push our sync to next week, same time?",
            "Können wir unser Treffen am Donnerstag verschieben?",
            "Je dois décaler notre rendez-vous de lundi.",
        ] {
            assert!(fired_names(body).contains(&"existing_meeting"), "{body}");
        }
        assert!(
            !fired_names("Would you like to meet for coffee on Friday?")
                .contains(&"existing_meeting")
        );
    }

    #[test]
    fn non_english_cancellations_and_refusals_fire_in_any_gender() {
        assert!(fired_names("La call di domani è annullata.").contains(&"cancel_foreign"));
        assert!(fired_names("Mötet på tisdag är inställt.").contains(&"cancel_foreign"));
        assert!(fired_names("Gracias, pero prefiero no reunirme.").contains(&"decline_foreign"));
        assert!(fired_names("¿Qué días tienes libres?").contains(&"availability_foreign"));
    }

    #[test]
    fn negated_phrases_do_not_fire() {
        assert!(!fired_names("Monday doesn't work for me.").contains(&"confirm_time"));
        assert!(!fired_names("We don't need to cancel anything").contains(&"cancel_meeting"));
        assert!(fired_names("Monday works for me, not Tuesday").contains(&"confirm_time"));
    }

    #[test]
    fn rules_compile() {
        let rules = RuleSet::new().expect("rules compile");
        assert_eq!(rules.len(), RULES.len());
    }
}
