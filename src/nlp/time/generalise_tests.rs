//! Probes of how the time layer generalises: the same kinds of proposal worded many ways
//! (verbs, order, punctuation, capitals, abbreviations, typos, other languages), written
//! apart from the labelled corpus so that passing them is not fitting its wording.

use super::*;
use chrono::TimeZone;

/// A sender in `tz` writing at `y-m-d h:mi` local time.
fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, mi: u32) -> TimeContext {
    let when = tz
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .expect("unambiguous probe time")
        .fixed_offset();
    TimeContext::new(when).with_zone(tz)
}

/// The reference times the probes are written at.
fn context(key: &str) -> TimeContext {
    match key {
        // Wednesday 25 November 2026, 10:00.
        "ny" => at(Tz::America__New_York, 2026, 11, 25, 10, 0),
        "ldn" => at(Tz::Europe__London, 2026, 11, 25, 10, 0),
        "ber" => at(Tz::Europe__Berlin, 2026, 11, 25, 10, 0),
        "mad" => at(Tz::Europe__Madrid, 2026, 11, 25, 10, 0),
        "par" => at(Tz::Europe__Paris, 2026, 11, 25, 10, 0),
        "la" => at(Tz::America__Los_Angeles, 2026, 11, 25, 10, 0),
        // Thursday 5 March 2026, the week before US daylight time starts (8 March).
        "ny_dst" => at(Tz::America__New_York, 2026, 3, 5, 9, 0),
        // Wednesday 25 March 2026, the week UK summer time starts (29 March).
        "ldn_dst" => at(Tz::Europe__London, 2026, 3, 25, 9, 0),
        // Tuesday 29 December 2026: proposals fall in January 2027.
        "ny_ye" => at(Tz::America__New_York, 2026, 12, 29, 9, 0),
        "waw" => at(Tz::Europe__Warsaw, 2026, 11, 25, 10, 0),
        "seoul" => at(Tz::Asia__Seoul, 2026, 11, 25, 10, 0),
        "tokyo" => at(Tz::Asia__Tokyo, 2026, 11, 25, 10, 0),
        "hel" => at(Tz::Europe__Helsinki, 2026, 11, 25, 10, 0),
        "bne" => at(Tz::Australia__Brisbane, 2026, 11, 25, 10, 0),
        "sha" => at(Tz::Asia__Shanghai, 2026, 11, 25, 10, 0),
        "cai" => at(Tz::Africa__Cairo, 2026, 11, 25, 10, 0),
        "bom" => at(Tz::Asia__Kolkata, 2026, 11, 25, 10, 0),
        other => panic!("unknown probe context {other}"),
    }
}

/// (context, text, expected slots as (local start "YYYY-MM-DDTHH:MM±HH:MM", minutes)).
type Probe = (&'static str, &'static str, &'static [(&'static str, i64)]);

const PROBES: &[Probe] = &[
    // Session 10: a restatement with "that will be", a clock change, someone else's move, a
    // ride to the meeting, a holiday named alone, and "the Thursday" of a stay.
    (
        "ldn",
        "Would Monday 30 November at 16:00 Singapore time work? That will be 09:00 in Zurich, as I'm travelling. Otherwise Tuesday 1 December at the same time.",
        &[
            ("2026-11-30T16:00+08:00", 30),
            ("2026-12-01T16:00+08:00", 30),
        ],
    ),
    (
        "ldn",
        "Would Monday 30 November at 16:00 Singapore time suit you? Our clocks go back on the weekend before. Otherwise Tuesday 1 December at the same time.",
        &[
            ("2026-11-30T16:00+08:00", 30),
            ("2026-12-01T16:00+08:00", 30),
        ],
    ),
    (
        "la",
        "Sorry - council moved the budget hearing to this Thursday, so I need to bump our follow-up call. Could we do Monday, November 30 at the same time, 8am Pacific?",
        &[("2026-11-30T08:00-08:00", 30)],
    ),
    (
        "ldn",
        "Shall we say Tuesday 1 December at 10:00 at the plant? I can pick you up at the station at 9:15.",
        &[("2026-12-01T10:00+00:00", 30)],
    ),
    (
        "ldn",
        "Also note Christmas: the plant shuts for a week. Could we meet on Monday 21 December at 3pm?",
        &[("2026-12-21T15:00+00:00", 30)],
    ),
    (
        "ny",
        "I'm in town 7-11 December for the trade show. Could we meet on the Thursday at 8am?",
        &[("2026-12-10T08:00-05:00", 30)],
    ),
    // "the same day" and "12 noon".
    (
        "ldn",
        "Would Thursday 3 December at 10:00 suit you? If not, 14:00 the same day also works.",
        &[
            ("2026-12-03T10:00+00:00", 30),
            ("2026-12-03T14:00+00:00", 30),
        ],
    ),
    (
        "ny",
        "Would Saturday 5th Dec, 12 noon at your office work?",
        &[("2026-12-05T12:00-05:00", 30)],
    ),
    (
        "mad",
        "¿Le viene bien el jueves 3 de diciembre a las 10:00? Si no, el mismo día a las 16:00.",
        &[
            ("2026-12-03T10:00+01:00", 30),
            ("2026-12-03T16:00+01:00", 30),
        ],
    ),
    // A clock range whose half of the day is said once, after it; a start and a finish.
    (
        "ldn",
        "Could I drop by on Friday 4 December, some time between 9 and 11 in the morning?",
        &[("2026-12-04T09:00+00:00", 120)],
    ),
    (
        "ldn",
        "Could you host us on Tuesday 1 December? We would start at 9:30 and finish by 15:00.",
        &[("2026-12-01T09:30+00:00", 330)],
    ),
    // A part of day said after the days it narrows.
    (
        "la",
        "Would you have a moment Monday or Tuesday next week for a call, in my morning?",
        &[
            ("2026-11-30T09:00-08:00", 180),
            ("2026-12-01T09:00-08:00", 180),
        ],
    ),
    // "from 2pm" with no end runs to 17:00, in German and Dutch too.
    (
        "ber",
        "Hätten Sie am Dienstag, 1. Dezember, ab 14 Uhr Zeit?",
        &[("2026-12-01T14:00+01:00", 180)],
    ),
    (
        "ber",
        "Kunnen we woensdag 2 december vanaf 13.30 uur afspreken?",
        &[("2026-12-02T13:30+01:00", 210)],
    ),
    // Session 10: Dutch parts of day and "half 10", "1er", two days sharing a month in
    // German, a length before a window, "Sept", a 24-hour writer's morning, working days,
    // a month beside days, and "the same hours" in French.
    (
        "ber",
        "Passt Ihnen der 2. oder 3. Dezember für eine Stunde?",
        &[
            ("2026-12-02T09:00+01:00", 480),
            ("2026-12-03T09:00+01:00", 480),
        ],
    ),
    (
        "ber",
        "Kunnen we donderdag 3 december 's ochtends even bellen?",
        &[("2026-12-03T09:00+01:00", 180)],
    ),
    (
        "ber",
        "Kun je vrijdag 4 december om half 10 langskomen?",
        &[("2026-12-04T09:30+01:00", 30)],
    ),
    (
        "par",
        "Seriez-vous libre le 1er décembre à 10 h ?",
        &[("2026-12-01T10:00+01:00", 30)],
    ),
    (
        "ldn",
        "Would you have half an hour before the 9th December to look at the draft?",
        &[("2026-11-26T09:00+00:00", 17760)],
    ),
    (
        "ldn",
        "Could we talk on 8 Sept at 3pm?",
        &[("2027-09-08T15:00+01:00", 30)],
    ),
    (
        "ber",
        "Ich kann Dienstag 1. Dezember um 21:00 oder Donnerstag 3. Dezember um 7:30.",
        &[
            ("2026-12-01T21:00+01:00", 30),
            ("2026-12-03T07:30+01:00", 30),
        ],
    ),
    (
        "ldn",
        "Could we meet Thursday 26 November at 2pm? My working days are Monday, Tuesday and Thursday.",
        &[("2026-11-26T14:00+00:00", 30)],
    ),
    (
        "ny",
        "Thanks for the notes you sent in October. Do you have time on Monday 30 November or Tuesday 1 December?",
        &[
            ("2026-11-30T09:00-05:00", 480),
            ("2026-12-01T09:00-05:00", 480),
        ],
    ),
    (
        "par",
        "Je propose le jeudi 3 décembre de 9h à 11h, sinon le vendredi 4 décembre aux mêmes heures.",
        &[
            ("2026-12-03T09:00+01:00", 120),
            ("2026-12-04T09:00+01:00", 120),
        ],
    ),
    // A time ruled out with "not", and the reader's clock after a slash with a bare "you".
    (
        "ldn",
        "Could we push our call to Thursday at 4pm UK - not 3pm as I said earlier?",
        &[("2026-11-26T16:00+00:00", 30)],
    ),
    (
        "ldn",
        "How about Friday 27 November, 2pm London / 9am you?",
        &[("2026-11-27T14:00+00:00", 30)],
    ),
    // "by" a day is a window to that day, the day included; a date something takes effect
    // "as of" bounds the meeting and is not offered.
    (
        "ny",
        "Could we get together by 4 December?",
        &[("2026-11-26T09:00-05:00", 8 * 24 * 60 + 8 * 60)],
    ),
    (
        "ldn",
        "Before the new tariff as of 1 January kicks in, could we have a call next Tuesday?",
        &[("2026-12-01T09:00+00:00", 480)],
    ),
    // "local time" of a place named a sentence earlier.
    (
        "ber",
        "We will be in Karachi from 7 to 10 December. Could we see the mill on Tuesday 8 December at 11:00 local time?",
        &[("2026-12-08T11:00+05:00", 30)],
    ),
    // "talk it through" is not "through Tuesday"; "aft" after a day; "before the Nth of";
    // an event's "weekend" followed by its dates.
    (
        "ny",
        "Happy to walk you through the numbers - Thursday Dec 3 at 11am?",
        &[("2026-12-03T11:00-05:00", 30)],
    ),
    (
        "ny",
        "any chance ur around fri aft for a quick look?",
        &[("2026-11-27T12:00-05:00", 300)],
    ),
    (
        "ldn",
        "Could we speak at some point before the 4th of December?",
        &[("2026-11-26T09:00+00:00", 7 * 24 * 60 + 8 * 60)],
    ),
    (
        "ber",
        "We will be at the Berlin design weekend, 11 to 13 December. Could we visit your studio on one of those days?",
        &[("2026-12-11T09:00+01:00", 2 * 24 * 60 + 8 * 60)],
    ),
    // Session 9, later: Chinese, Arabic, Hindi, Marathi and Hinglish.
    (
        "sha",
        "李经理，下周二上午十点或者周三下午两点半方便吗？大概半小时。",
        &[
            ("2026-12-01T10:00+08:00", 30),
            ("2026-12-02T14:30+08:00", 30),
        ],
    ),
    (
        "sha",
        "12月3日（周四）下午可以见个面吗？",
        &[("2026-12-03T12:00+08:00", 300)],
    ),
    (
        "cai",
        "هل يمكننا أن نلتقي يوم الأحد الساعة ١١ صباحاً؟",
        &[("2026-11-29T11:00+02:00", 30)],
    ),
    (
        "bom",
        "क्या हम शुक्रवार शाम 5 बजे बात कर सकते हैं?",
        &[("2026-11-27T17:00+05:30", 30)],
    ),
    (
        "bom",
        "आपण उद्या सकाळी १०:३० वाजता भेटू शकतो का?",
        &[("2026-11-26T10:30+05:30", 30)],
    ),
    (
        "bom",
        "Sir, kya hum kal dopahar 3 baje call kar sakte hain? Aap free ho toh bata dijiye.",
        &[("2026-11-26T15:00+05:30", 30)],
    ),
    // Session 9: Japanese, with the weekday after the date and a length in minutes-and-hours.
    (
        "tokyo",
        "12月3日（木）の午後2時から1時間ほど、お時間いただけますか？",
        &[("2026-12-03T14:00+09:00", 60)],
    ),
    (
        "tokyo",
        "明後日の午前中はいかがでしょうか。",
        &[("2026-11-27T09:00+09:00", 180)],
    ),
    // Finnish case endings and "klo"; Swedish "kl." and a part of the day.
    (
        "hel",
        "Hei, sopisiko tapaaminen perjantaina klo 14.30? Kiitos!",
        &[("2026-11-27T14:30+02:00", 30)],
    ),
    (
        "hel",
        "Hej! Skulle det passa på måndag kl. 9 eller tisdag eftermiddag? Tack och hälsningar",
        &[
            ("2026-11-30T09:00+02:00", 30),
            ("2026-12-01T12:00+02:00", 300),
        ],
    ),
    // The reader's clock restated in the writer's own ("mine"; "That's ... for me").
    (
        "bne",
        "Friday 4pm your time (6pm mine)?",
        &[("2026-11-27T18:00+10:00", 30)],
    ),
    (
        "bne",
        "Would Monday 9am your time suit? That's 7pm here, which is fine by me.",
        &[("2026-11-30T19:00+10:00", 30)],
    ),
    // Lengths in words.
    (
        "ldn",
        "Could we do Tuesday at 10? We'd need about three quarters of an hour.",
        &[("2026-12-01T10:00+00:00", 45)],
    ),
    // Session 8, later: "next week" after a list of days is every listed day's week.
    (
        "ny",
        "can you come out thu or fri next week to look at it?",
        &[
            ("2026-12-03T09:00-05:00", 480),
            ("2026-12-04T09:00-05:00", 480),
        ],
    ),
    // "Come up" is an invitation, not "something has come up".
    (
        "ny",
        "Can you come up to the lodge on Monday or Tuesday next week?",
        &[
            ("2026-11-30T09:00-05:00", 480),
            ("2026-12-01T09:00-05:00", 480),
        ],
    ),
    // A Christmas lunch is an event's name, not Christmas Day.
    (
        "ny",
        "team xmas lunch - fri 18 dec at the Exeter, 12:30? ill book if ur in",
        &[("2026-12-18T12:30-05:00", 60)],
    ),
    (
        "ny",
        "Could we move our session to Thursday, 3 December (10.00 am)?",
        &[("2026-12-03T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Please share your availability for the weeks of 4 and 11 January.",
        &[
            ("2027-01-04T09:00-05:00", 6240),
            ("2027-01-11T09:00-05:00", 6240),
        ],
    ),
    // Session 8. Bare hours after a day are a range on the business-hours half of the day.
    (
        "ny",
        "Friday the 27th suits us best - 9 to 11 my time.",
        &[("2026-11-27T09:00-05:00", 120)],
    ),
    (
        "ny",
        "Would Monday 30 November or Tuesday 1 December work for the review? 1 to 3 either day.",
        &[
            ("2026-11-30T13:00-05:00", 120),
            ("2026-12-01T13:00-05:00", 120),
        ],
    ),
    (
        "ny",
        "How about Thursday 3 December between 2 and 4.",
        &[("2026-12-03T14:00-05:00", 120)],
    ),
    (
        "ny",
        "Drinks on Friday the 4th, from 5 to 7?",
        &[("2026-12-04T17:00-05:00", 120)],
    ),
    (
        "ny",
        "Can we meet Tuesday? We expect 9 to 11 people.",
        &[("2026-12-01T09:00-05:00", 480)],
    ),
    // An alternative after "if X doesn't work" is offered, even with no offer word of its own.
    (
        "ny",
        "Can we talk Monday 30 November at 10am? If Monday doesn't work, Tuesday the 1st at the same time.",
        &[
            ("2026-11-30T10:00-05:00", 30),
            ("2026-12-01T10:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "Could we meet Tuesday 8 December at 10:00? If that is too early, the same Tuesday at 14:00.",
        &[
            ("2026-12-08T10:00-05:00", 30),
            ("2026-12-08T14:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "Could we talk any day before the 4th?",
        &[("2026-11-26T09:00-05:00", 10560)],
    ),
    // A clock sentence after a deadline sentence is for the day asked about before it.
    (
        "ny",
        "Can we do a quick call Tues about the invoices? Finance needs them by the 10th. 11am work for you?",
        &[("2026-12-01T11:00-05:00", 30)],
    ),
    (
        "ny",
        "u free tmrw aftn for 20 min?",
        &[("2026-11-26T12:00-05:00", 300)],
    ),
    (
        "ny",
        "Could we meet Monday 7 December or Tuesday 8 December, both in the morning?",
        &[
            ("2026-12-07T09:00-05:00", 180),
            ("2026-12-08T09:00-05:00", 180),
        ],
    ),
    // A date's clock in parentheses is its clock, not a restatement of the date.
    (
        "ny",
        "Would Thursday, December 10 (11:00 ET / 16:00 London) work for you?",
        &[("2026-12-10T11:00-05:00", 30)],
    ),
    (
        "par",
        "Seriez-vous disponible le jeudi 3 décembre à 10h, heure de Londres ? Sinon le vendredi 4 l'après-midi, avant mon vol.",
        &[
            ("2026-12-03T10:00+00:00", 30),
            ("2026-12-04T12:00+01:00", 300),
        ],
    ),
    (
        "ber",
        "Passt Ihnen Freitag, 4. Dezember, am Nachmittag?",
        &[("2026-12-04T12:00+01:00", 300)],
    ),
    // Session 7. An option after a restatement in parentheses is another option, on the same
    // shifted clock.
    (
        "ny",
        "I can do Tuesday 1 December at 9:00 your time (8:00 here) or Wednesday 2 December at 10:00 your time.",
        &[
            ("2026-12-01T08:00-05:00", 30),
            ("2026-12-02T09:00-05:00", 30),
        ],
    ),
    // A bare weekday offered as the alternative to a dated day is in that day's week.
    (
        "ny",
        "Could we set up a call on Thursday, 10th December at 11:30 am IST (7 am CET)? If that doesn't suit, Friday same time is also fine.",
        &[
            ("2026-12-10T11:30+05:30", 30),
            ("2026-12-11T11:30+05:30", 30),
        ],
    ),
    // A 24-hour writer restates on the 24-hour clock, after a borrowed "same time".
    (
        "ny",
        "Tuesday is difficult for me. Could we do the video call on Wednesday the 2nd instead, same time - 16:00 your time, 10:00 for me?",
        &[("2026-12-02T10:00-05:00", 30)],
    ),
    // A window on a bulleted line among options is an option.
    (
        "ny",
        "Options:\n- Monday 11/30 at 2pm\n- Wednesday 12/2, anytime after 1pm",
        &[
            ("2026-11-30T14:00-05:00", 30),
            ("2026-12-02T13:00-05:00", 240),
        ],
    ),
    // "Either day in the afternoon" narrows both days, and is not today's afternoon.
    (
        "ny",
        "Could you tell us your availability on 7 or 8 December? Either day in the afternoon would be convenient for us.",
        &[
            ("2026-12-07T12:00-05:00", 300),
            ("2026-12-08T12:00-05:00", 300),
        ],
    ),
    // A run of days whose month is written after the last.
    (
        "ny",
        "We propose instead Monday 7 to Wednesday 9 December. Please confirm.",
        &[("2026-12-07T09:00-05:00", 3360)],
    ),
    // The meeting being moved is not an option.
    (
        "ny",
        "Need to bump Thursday's 10am call - could we do Tuesday at 10am instead?",
        &[("2026-12-01T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Our call this Friday at 5pm needs to move. Could we do Monday at 5pm instead?",
        &[("2026-11-30T17:00-05:00", 30)],
    ),
    // Someone else's meeting, and a day the writer calls difficult.
    (
        "ny",
        "The council meets on 10 December, so could we talk on the 3rd at 2pm?",
        &[("2026-12-03T14:00-05:00", 30)],
    ),
    // Polish and Korean.
    (
        "waw",
        "Możesz jutro o 8:00 podjechać i zobaczyć sama? Nie wiem, czy się uda. Kościelny otwiera o 7:45.",
        &[("2026-11-26T08:00+01:00", 30)],
    ),
    (
        "waw",
        "Proponuję wtorek 1 grudnia albo czwartek 3 grudnia, w obu przypadkach o 10:00. Odbiór potrwa ok. dwóch godzin, więc się uda.",
        &[
            ("2026-12-01T10:00+01:00", 120),
            ("2026-12-03T10:00+01:00", 120),
        ],
    ),
    (
        "seoul",
        "내일 오후 3시에 계약서 검토 회의 가능하실까요? 30분이면 될 것 같습니다.",
        &[("2026-11-26T15:00+09:00", 30)],
    ),
    // A bare hour offered as the fallback to a clock, after a day that borrowed the clock.
    (
        "ny",
        "Could we catch up on video next Tuesday, 1 December? 10am would be ideal, otherwise 11.",
        &[
            ("2026-12-01T10:00-05:00", 30),
            ("2026-12-01T11:00-05:00", 30),
        ],
    ),
    // A lunch first, an exact time as its alternative: both are options.
    (
        "ny",
        "Could we have lunch on Tuesday 1 December? If not, Wednesday 2 December at 8:30.",
        &[
            ("2026-12-01T12:00-05:00", 60),
            ("2026-12-02T08:30-05:00", 60),
        ],
    ),
    // "Se não for possível": a Portuguese alternative puts the bare weekday in the dated week.
    (
        "ny",
        "Podemos fazer uma videochamada na terça-feira, 8 de dezembro, às 10h? Se não for possível, quarta-feira à tarde também nos serve.",
        &[
            ("2026-12-08T10:00-05:00", 30),
            ("2026-12-09T12:00-05:00", 300),
        ],
    ),
    // Two days and two clocks: every day at every clock.
    (
        "ny",
        "I could do Tuesday 8 or Wednesday 9 December, at either 11:00 or 15:00 my time.",
        &[
            ("2026-12-08T11:00-05:00", 30),
            ("2026-12-09T11:00-05:00", 30),
            ("2026-12-09T15:00-05:00", 30),
            ("2026-12-08T15:00-05:00", 30),
        ],
    ),
    // German "der" before the day number.
    (
        "ber",
        "Mir passt Donnerstag, der 3. Dezember, um 10:00 Uhr oder Freitag, der 4. Dezember, um 9:30 Uhr.",
        &[
            ("2026-12-03T10:00+01:00", 30),
            ("2026-12-04T09:30+01:00", 30),
        ],
    ),
    // A preferred part of day on another place's clock; three ordinals in a list.
    (
        "ldn",
        "Could you let me know your availability on the 7th, 8th or 9th? Mornings in Sydney suit me best, as that's my evening.",
        &[
            ("2026-12-07T09:00+11:00", 180),
            ("2026-12-08T09:00+11:00", 180),
            ("2026-12-09T09:00+11:00", 180),
        ],
    ),
    // The days after "next week," are that week's, however the resolver joined them.
    (
        "ny",
        "Could we meet next week, Tuesday or Thursday?",
        &[
            ("2026-12-01T09:00-05:00", 480),
            ("2026-12-03T09:00-05:00", 480),
        ],
    ),
    // A week, a dash, then the days it holds: the days.
    (
        "ny",
        "Could we have a call in the first week of December - Tuesday 1st or Wednesday 2nd, any time between 11 and 1?",
        &[
            ("2026-12-01T11:00-05:00", 120),
            ("2026-12-02T11:00-05:00", 120),
        ],
    ),
    // A bare hour restating the reader's clock on the writer's.
    (
        "ny",
        "Could you do Tuesday 1 December at 9 am your time (10 here), or Wednesday 2 December any time after 1 pm your time?",
        &[
            ("2026-12-01T10:00-05:00", 30),
            ("2026-12-02T14:00-05:00", 240),
        ],
    ),
    // Bare hours of a range with a zone after them.
    (
        "ldn",
        "Could we have a call on Tuesday 1st or Wednesday 2nd, any time between 11 and 1 Dhaka time?",
        &[
            ("2026-12-01T11:00+06:00", 120),
            ("2026-12-02T11:00+06:00", 120),
        ],
    ),
    // Places written with punctuation, and Mexico's "hora del centro".
    (
        "ny",
        "Could we talk Tuesday 1 December at 10:00 St. John's time?",
        &[("2026-12-01T10:00-03:30", 30)],
    ),
    (
        "ny",
        "Could we talk Tuesday 1 December at 10:00 Saint-Pierre time?",
        &[("2026-12-01T10:00-03:00", 30)],
    ),
    (
        "mad",
        "¿Podemos hablar el martes 1 de diciembre a las 10:00 hora del centro?",
        &[("2026-12-01T10:00-06:00", 30)],
    ),
    (
        "mad",
        "Podemos falar terça, 1 de dezembro, às 10h de Brasília?",
        &[("2026-12-01T10:00-03:00", 30)],
    ),
    // Lists of three with commas keep their middle day.
    (
        "ny",
        "Could you do Monday, Tuesday or Wednesday at 10?",
        &[
            ("2026-11-30T10:00-05:00", 30),
            ("2026-12-01T10:00-05:00", 30),
            ("2026-12-02T10:00-05:00", 30),
        ],
    ),
    (
        "ldn",
        "Could you do the 7th, 8th or 9th in the morning?",
        &[
            ("2026-12-07T09:00+00:00", 180),
            ("2026-12-08T09:00+00:00", 180),
            ("2026-12-09T09:00+00:00", 180),
        ],
    ),
    // A restating list after "so" offers nothing new.
    (
        "ber",
        "Could we talk Wednesday 2 December at 14:00 or Thursday 3 December at 10:00, Berlin time - so 13:00 or 09:00 in London?",
        &[
            ("2026-12-02T14:00+01:00", 30),
            ("2026-12-03T10:00+01:00", 30),
        ],
    ),
    // "since October" is the past.
    (
        "ny",
        "Prices have moved a lot since October. Could we talk Tuesday 1 December at 10am?",
        &[("2026-12-01T10:00-05:00", 30)],
    ),
    // "the same time" as a time on the reader's clock is on the reader's clock.
    (
        "ber",
        "Tuesday 1 December at 9 am your time (3 pm here) works for me, or Thursday the 3rd at the same time.",
        &[
            ("2026-12-01T15:00+01:00", 30),
            ("2026-12-03T15:00+01:00", 30),
        ],
    ),
    // A polite "I was thinking" offers; it is not the past.
    (
        "ny",
        "I was thinking Tuesday 1 December at 11:00, or Wednesday afternoon.",
        &[
            ("2026-12-01T11:00-05:00", 30),
            ("2026-12-02T12:00-05:00", 300),
        ],
    ),
    // The month before two day numbers is both's.
    (
        "ny",
        "Any chance you're free December 8 or 9, anytime between 10 and noon?",
        &[
            ("2026-12-08T10:00-05:00", 120),
            ("2026-12-09T10:00-05:00", 120),
        ],
    ),
    // A comma between the weekday and its date.
    (
        "ny",
        "Could it be Tuesday, the 1st, in the morning?",
        &[("2026-12-01T09:00-05:00", 180)],
    ),
    // A window and the exact time inside it are one proposal.
    (
        "ny",
        "Wednesday evening works for me - 8 pm on the 2nd.",
        &[("2026-12-02T20:00-05:00", 30)],
    ),
    // The clause that prefers names the part of day.
    (
        "ny",
        "Free Thurs or Fri? I'm tied up both mornings so afternoons are best.",
        &[
            ("2026-11-26T12:00-05:00", 300),
            ("2026-11-27T12:00-05:00", 300),
        ],
    ),
    // A meeting where the writer travels is on that place's clock.
    (
        "ny",
        "I'll be in London 7-9 December for the fair. Could we have lunch on Tuesday the 8th?",
        &[("2026-12-08T12:00+00:00", 60)],
    ),
    // Foreign ways of joining a weekday to its date.
    (
        "par",
        "Serais-tu disponible jeudi le 26 novembre à 11 h? Sinon, vendredi le 27 à 14 h.",
        &[
            ("2026-11-26T11:00+01:00", 30),
            ("2026-11-27T14:00+01:00", 30),
        ],
    ),
    (
        "ber",
        "Hätten Sie am Dienstag, dem 1. Dezember, um 14 Uhr Zeit?",
        &[("2026-12-01T14:00+01:00", 30)],
    ),
    (
        "ldn",
        "Poderia ser na terça-feira, dia 1, de manhã?",
        &[("2026-12-01T09:00+00:00", 180)],
    ),
    // A clock said again in another zone right after the first one's zone.
    (
        "ber",
        "Could we meet Thursday at 10:00 CET, 16:00 in Singapore?",
        &[("2026-11-26T10:00+01:00", 30)],
    ),
    (
        "ldn",
        "How about Monday at 2pm London time, which I think is 9am in New York?",
        &[("2026-11-30T14:00+00:00", 30)],
    ),
    // A holiday named alone is no option; a part of day after the days is theirs.
    (
        "ny",
        "We're away over Christmas, so could we talk Tuesday 1 December or Wednesday 2 December, any time in the morning?",
        &[
            ("2026-12-01T09:00-05:00", 180),
            ("2026-12-02T09:00-05:00", 180),
        ],
    ),
    // A country's time by its adjective, and another option offered in Italian.
    (
        "ny",
        "Pourriez-vous jeudi à 15h, heure française ?",
        &[("2026-11-26T15:00+01:00", 30)],
    ),
    (
        "ber",
        "Le andrebbe bene venerdì alle 11? In alternativa, lunedì 30 in mattinata.",
        &[
            ("2026-11-27T11:00+01:00", 30),
            ("2026-11-30T09:00+01:00", 180),
        ],
    ),
    // Context beside an exact proposal: travel, the event it must precede, a part of the
    // reader's day, a day excluded from a week.
    (
        "ny",
        "I land in Boston on Monday evening; could we do breakfast Tuesday at 8?",
        &[("2026-12-01T08:00-05:00", 30)],
    ),
    (
        "ny",
        "Can we talk Friday at 11 before the board meeting on the 3rd?",
        &[("2026-11-27T11:00-05:00", 30)],
    ),
    (
        "ny",
        "Any day next week works except Friday.",
        &[("2026-11-30T09:00-05:00", 4 * 24 * 60 - 16 * 60)],
    ),
    (
        "ny",
        "Tuesday at 3pm ET would be ideal. Wednesday afternoon works too.",
        &[
            ("2026-12-01T15:00-05:00", 30),
            ("2026-12-02T12:00-05:00", 300),
        ],
    ),
    // Bare hour with a zone word.
    (
        "ny",
        "Can we talk Tuesday at 2 ET?",
        &[("2026-12-01T14:00-05:00", 30)],
    ),
    (
        "ny",
        "Would Thursday 3pm Pacific work for you?",
        &[("2026-11-26T15:00-08:00", 30)],
    ),
    (
        "ny",
        "How about Friday at 10 my time?",
        &[("2026-11-27T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Could we do Monday, noon London time?",
        &[("2026-11-30T12:00+00:00", 30)],
    ),
    (
        "ldn",
        "Shall we say Tuesday 3pm EST?",
        &[("2026-12-01T15:00-05:00", 30)],
    ),
    (
        "ldn",
        "Monday at 11 Central?",
        &[("2026-11-30T11:00-06:00", 30)],
    ),
    (
        "ny",
        "Friday 9am MT would suit me",
        &[("2026-11-27T09:00-07:00", 30)],
    ),
    (
        "ny",
        "Tuesday 17:00 CET?",
        &[("2026-12-01T17:00+01:00", 30)],
    ),
    (
        "ny",
        "could you do thursday 10 pacific",
        &[("2026-11-26T10:00-08:00", 30)],
    ),
    (
        "ldn",
        "Wednesday 2 December at 9am AEDT",
        &[("2026-12-02T09:00+11:00", 30)],
    ),
    ("ny", "Monday 8pm IST?", &[("2026-11-30T20:00+05:30", 30)]),
    (
        "ber",
        "Dienstag 10:00 UTC?",
        &[("2026-12-01T10:00+00:00", 30)],
    ),
    (
        "ny",
        "Tuesday at 1 Eastern works",
        &[("2026-12-01T13:00-05:00", 30)],
    ),
    (
        "ny",
        "How's noon ET on Friday?",
        &[("2026-11-27T12:00-05:00", 30)],
    ),
    ("ny", "Monday 4pm UTC+2?", &[("2026-11-30T16:00+02:00", 30)]),
    // A clock tied to a day in an earlier clause or sentence.
    (
        "ny",
        "Tuesday works, say 10?",
        &[("2026-12-01T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Monday — 3 or 4pm?",
        &[
            ("2026-11-30T15:00-05:00", 30),
            ("2026-11-30T16:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "How's Friday? I'm thinking 4.",
        &[("2026-11-27T16:00-05:00", 30)],
    ),
    (
        "ny",
        "I could do Monday. 2pm?",
        &[("2026-11-30T14:00-05:00", 30)],
    ),
    (
        "ny",
        "Thursday is good - 9:30 my time?",
        &[("2026-11-26T09:30-05:00", 30)],
    ),
    (
        "ny",
        "Next Tuesday? Maybe around 11.",
        &[("2026-12-01T11:00-05:00", 30)],
    ),
    (
        "ny",
        "Friday's open for me, let's say 1:30.",
        &[("2026-11-27T13:30-05:00", 30)],
    ),
    // Lists.
    (
        "ny",
        "Mon 10am, Tue 2pm or Wed 4pm",
        &[
            ("2026-11-30T10:00-05:00", 30),
            ("2026-12-01T14:00-05:00", 30),
            ("2026-12-02T16:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "Tuesday or Wednesday at 3pm?",
        &[
            ("2026-12-01T15:00-05:00", 30),
            ("2026-12-02T15:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "Either 10 or 11 on Friday works.",
        &[
            ("2026-11-27T10:00-05:00", 30),
            ("2026-11-27T11:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "Options: Dec 1 at 10, Dec 2 at 2pm, Dec 3 at 4pm.",
        &[
            ("2026-12-01T10:00-05:00", 30),
            ("2026-12-02T14:00-05:00", 30),
            ("2026-12-03T16:00-05:00", 30),
        ],
    ),
    (
        "ny",
        "I can do Tuesday at 10, or failing that Thursday at 3.",
        &[
            ("2026-12-01T10:00-05:00", 30),
            ("2026-11-26T15:00-05:00", 30),
        ],
    ),
    (
        "ldn",
        "Thu 10:00 / Fri 14:30?",
        &[
            ("2026-11-26T10:00+00:00", 30),
            ("2026-11-27T14:30+00:00", 30),
        ],
    ),
    // Ranges.
    (
        "ny",
        "Thursday between 1 and 3?",
        &[("2026-11-26T13:00-05:00", 120)],
    ),
    (
        "ny",
        "Friday 1-3pm works for me",
        &[("2026-11-27T13:00-05:00", 120)],
    ),
    (
        "ny",
        "Tuesday from 9:30 to 10",
        &[("2026-12-01T09:30-05:00", 30)],
    ),
    (
        "ny",
        "Monday 10 to 11:30am?",
        &[("2026-11-30T10:00-05:00", 90)],
    ),
    (
        "ldn",
        "Thu 13:00–15:00?",
        &[("2026-11-26T13:00+00:00", 120)],
    ),
    ("ny", "10a-12p Friday?", &[("2026-11-27T10:00-05:00", 120)]),
    (
        "ny",
        "Tuesday, 2 till 4?",
        &[("2026-12-01T14:00-05:00", 120)],
    ),
    (
        "ny",
        "I'm free Monday from 2pm until 4pm.",
        &[("2026-11-30T14:00-05:00", 120)],
    ),
    (
        "ny",
        "Wed 12/2, 3:00-3:45pm?",
        &[("2026-12-02T15:00-05:00", 45)],
    ),
    // Moves of an agreed meeting: the new time.
    (
        "ny",
        "Can we push our 1pm today to 3?",
        &[("2026-11-25T15:00-05:00", 30)],
    ),
    (
        "ny",
        "Could we move Thursday's 2pm call to 4pm?",
        &[("2026-11-26T16:00-05:00", 30)],
    ),
    (
        "ny",
        "Something came up, can we move tomorrow's meeting to Friday at 11?",
        &[("2026-11-27T11:00-05:00", 30)],
    ),
    (
        "ny",
        "Let's shift Monday's sync from 10 to 2pm.",
        &[("2026-11-30T14:00-05:00", 30)],
    ),
    // Weeks, days and windows.
    (
        "ny",
        "Does the week of the 14th work?",
        &[("2026-12-14T09:00-05:00", 6240)],
    ),
    (
        "ny",
        "Can we find a slot before the 20th?",
        &[("2026-11-26T09:00-05:00", 33600)],
    ),
    (
        "ny",
        "Are you free on the 2nd?",
        &[("2026-12-02T09:00-05:00", 480)],
    ),
    (
        "ny",
        "How about the 3rd at 11?",
        &[("2026-12-03T11:00-05:00", 30)],
    ),
    (
        "ny",
        "Any time next week is fine by me",
        &[("2026-11-30T09:00-05:00", 6240)],
    ),
    (
        "ny",
        "Tuesday afternoon or Wednesday morning?",
        &[
            ("2026-12-01T12:00-05:00", 300),
            ("2026-12-02T09:00-05:00", 180),
        ],
    ),
    ("ny", "lunch on friday?", &[("2026-11-27T12:00-05:00", 60)]),
    (
        "ny",
        "Would Thursday 3 December suit?",
        &[("2026-12-03T09:00-05:00", 480)],
    ),
    (
        "ny",
        "How about December 8th at 2:15?",
        &[("2026-12-08T14:15-05:00", 30)],
    ),
    // Numeric dates by the sender's locale, 24-hour clocks.
    (
        "ldn",
        "Could we meet on 4/12 at 10:00?",
        &[("2026-12-04T10:00+00:00", 30)],
    ),
    (
        "ny",
        "Could we meet on 12/4 at 10am?",
        &[("2026-12-04T10:00-05:00", 30)],
    ),
    (
        "ber",
        "Passt dir der 3.12. um 14 Uhr?",
        &[("2026-12-03T14:00+01:00", 30)],
    ),
    (
        "ber",
        "Would 03.12.2026 at 14:30 work?",
        &[("2026-12-03T14:30+01:00", 30)],
    ),
    (
        "ny",
        "How about 2026-12-03 at 09:00?",
        &[("2026-12-03T09:00-05:00", 30)],
    ),
    (
        "ldn",
        "Friday at 15:00 then?",
        &[("2026-11-27T15:00+00:00", 30)],
    ),
    ("ldn", "Tuesday 09:15?", &[("2026-12-01T09:15+00:00", 30)]),
    // Noon, half past, quarter to.
    ("ny", "Tuesday at noon?", &[("2026-12-01T12:00-05:00", 30)]),
    (
        "ny",
        "Friday at half past two",
        &[("2026-11-27T14:30-05:00", 30)],
    ),
    (
        "ny",
        "quarter to 4 on Monday?",
        &[("2026-11-30T15:45-05:00", 30)],
    ),
    (
        "ldn",
        "Thursday, half 10?",
        &[("2026-11-26T10:30+00:00", 30)],
    ),
    (
        "ny",
        "Monday at a quarter past eleven",
        &[("2026-11-30T11:15-05:00", 30)],
    ),
    // Capitals, abbreviations, punctuation, typos.
    ("ny", "MONDAY AT 3PM?", &[("2026-11-30T15:00-05:00", 30)]),
    ("ny", "Tues. 3 p.m.?", &[("2026-12-01T15:00-05:00", 30)]),
    ("ny", "Thurs @ 2:30", &[("2026-11-26T14:30-05:00", 30)]),
    ("ny", "fri 11a works", &[("2026-11-27T11:00-05:00", 30)]),
    ("ny", "Monday (2pm)?", &[("2026-11-30T14:00-05:00", 30)]),
    ("ny", "tomorow at 3pm?", &[("2026-11-26T15:00-05:00", 30)]),
    ("ny", "Thrusday at 10?", &[("2026-11-26T10:00-05:00", 30)]),
    ("ny", "wensday 2pm ok?", &[("2026-12-02T14:00-05:00", 30)]),
    ("ny", "Tuesday at 3:00PM", &[("2026-12-01T15:00-05:00", 30)]),
    ("ny", "mon 12/7 @ 9", &[("2026-12-07T09:00-05:00", 30)]),
    // Relative days.
    ("ny", "tomorrow at 4?", &[("2026-11-26T16:00-05:00", 30)]),
    (
        "ny",
        "The day after tomorrow at 10 works.",
        &[("2026-11-27T10:00-05:00", 30)],
    ),
    (
        "ny",
        "This Friday at 11?",
        &[("2026-11-27T11:00-05:00", 30)],
    ),
    ("ny", "Next Monday 9am?", &[("2026-11-30T09:00-05:00", 30)]),
    (
        "ny",
        "A quick 15 min call Thursday at 2?",
        &[("2026-11-26T14:00-05:00", 15)],
    ),
    (
        "ny",
        "Could we grab an hour on Friday at 10?",
        &[("2026-11-27T10:00-05:00", 60)],
    ),
    // Other languages.
    (
        "mad",
        "¿Te va bien el martes a las 10?",
        &[("2026-12-01T10:00+01:00", 30)],
    ),
    (
        "ber",
        "Hätten Sie Dienstag um 15 Uhr Zeit?",
        &[("2026-12-01T15:00+01:00", 30)],
    ),
    (
        "par",
        "Est-ce que mardi à 14h vous convient ?",
        &[("2026-12-01T14:00+01:00", 30)],
    ),
    (
        "ber",
        "Wie wäre es mit Donnerstag, 10:30 Uhr?",
        &[("2026-11-26T10:30+01:00", 30)],
    ),
    (
        "mad",
        "¿Podemos hablar el jueves a las 16:00?",
        &[("2026-11-26T16:00+01:00", 30)],
    ),
    // Daylight-saving weeks.
    (
        "ny_dst",
        "Tuesday March 10 at 3pm ET?",
        &[("2026-03-10T15:00-04:00", 30)],
    ),
    (
        "ny_dst",
        "Could we do Monday at 11?",
        &[("2026-03-09T11:00-04:00", 30)],
    ),
    (
        "ldn_dst",
        "Monday 30 March at 10:00?",
        &[("2026-03-30T10:00+01:00", 30)],
    ),
    (
        "ldn_dst",
        "Thursday at 2pm ET?",
        &[("2026-03-26T14:00-04:00", 30)],
    ),
    (
        "ldn_dst",
        "Tuesday at 4pm New York time",
        &[("2026-03-31T16:00-04:00", 30)],
    ),
    // Year end.
    (
        "ny_ye",
        "Monday Jan 4 at 10?",
        &[("2027-01-04T10:00-05:00", 30)],
    ),
    (
        "ny_ye",
        "How about the 5th at 3pm?",
        &[("2027-01-05T15:00-05:00", 30)],
    ),
    ("ny_ye", "Jan 6th, 11am?", &[("2027-01-06T11:00-05:00", 30)]),
    // Open bounds, foreign runs and lengths, restatements for the reader.
    (
        "la",
        "Wednesday or Thursday, anytime after 2.",
        &[
            ("2026-12-02T14:00-08:00", 180),
            ("2026-11-26T14:00-08:00", 180),
        ],
    ),
    (
        "ber",
        "Ich schlage Mittwoch, den 2. Dezember, von 14:00 bis 15:30 Uhr vor.",
        &[("2026-12-02T14:00+01:00", 90)],
    ),
    (
        "par",
        "Pourrions-nous nous voir mardi de 14h à 15h ?",
        &[("2026-12-01T14:00+01:00", 60)],
    ),
    (
        "mad",
        "¿Podemos hablar el jueves a las 10, hora de Bogotá?",
        &[("2026-11-26T10:00-05:00", 30)],
    ),
    (
        "ldn",
        "Podemos falar quinta-feira às 16h30?",
        &[("2026-11-26T16:30+00:00", 30)],
    ),
    (
        "ny",
        "Could you run a half-day workshop Monday at 9am?",
        &[("2026-11-30T09:00-05:00", 240)],
    ),
    (
        "ny",
        "Thursday at 3pm works? That'd be noon for you.",
        &[("2026-11-26T15:00-05:00", 30)],
    ),
    (
        "ny",
        "Our audit got moved to Friday, so could we talk Monday at 10?",
        &[("2026-11-30T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Can we push our Tuesday call back an hour, to 12?",
        &[("2026-12-01T12:00-05:00", 30)],
    ),
    (
        "ldn",
        "Could we meet 05.12 at 13:00?",
        &[("2026-12-05T13:00+00:00", 30)],
    ),
    (
        "la",
        "can u meet at the supply house on 7th st monday 6:30am? takes 20 min",
        &[("2026-11-30T06:30-08:00", 20)],
    ),
    (
        "ber",
        "Could we fit in a review before the end of the month?",
        &[("2026-11-26T09:00+01:00", 6240)],
    ),
    // Not proposals.
    ("ny", "The report is due Friday.", &[]),
    (
        "ny",
        "I was out last Tuesday, sorry for the slow reply.",
        &[],
    ),
    ("ny", "The invoice from November 3 is attached.", &[]),
    ("ny", "Please send the slides by Monday at 5pm.", &[]),
    (
        "ny",
        "Thanks for meeting yesterday at 2, it was great.",
        &[],
    ),
    (
        "ny",
        "Thanks!\n\n-- \nJane Doe\nOffice hours: Mon-Fri 9am-5pm ET\n",
        &[],
    ),
    (
        "ny",
        "Sounds good.\n\nOn Tue, Nov 24, 2026 at 9:00 AM Bob <bob@example.com> wrote:\n> Can we meet Thursday at 3pm?\n",
        &[],
    ),
    (
        "ny",
        "Unfortunately I have to cancel our Thursday 2pm meeting.",
        &[],
    ),
    // A move of a time the text names: the proposal is that time moved.
    (
        "ny",
        "Can we push our 3pm tomorrow back 30 minutes?",
        &[("2026-11-26T15:30-05:00", 30)],
    ),
    (
        "ny",
        "Could Friday's 10am start an hour later?",
        &[("2026-11-27T11:00-05:00", 30)],
    ),
    (
        "ldn",
        "Would you mind bringing Monday 2pm forward by half an hour?",
        &[("2026-11-30T13:30+00:00", 30)],
    ),
    (
        "la",
        "Thursday at 9 is tight for me - could we make it two hours later?",
        &[("2026-11-26T11:00-08:00", 30)],
    ),
    // A move that states the new time keeps that time.
    (
        "ny",
        "Could we push it back an hour, to 4pm Friday?",
        &[("2026-11-27T16:00-05:00", 30)],
    ),
    // A restatement in the writer's own clock after a dash or comma.
    (
        "ldn",
        "Tuesday at 4pm CET works - 3pm for me.",
        &[("2026-12-01T16:00+01:00", 30)],
    ),
    (
        "la",
        "Friday at 1pm Eastern suits, 10am my time.",
        &[("2026-11-27T13:00-05:00", 30)],
    ),
    // A part of day in a later sentence narrows the days proposed before it.
    (
        "ny",
        "Could we meet Tuesday or Wednesday? Ideally in the morning.",
        &[
            ("2026-12-01T09:00-05:00", 180),
            ("2026-12-02T09:00-05:00", 180),
        ],
    ),
    (
        "ldn",
        "Thursday would suit me. Preferably in the afternoon if you can.",
        &[("2026-11-26T12:00+00:00", 300)],
    ),
    (
        "la",
        "Are you free Monday? Mornings are best for me.",
        &[("2026-11-30T09:00-08:00", 180)],
    ),
    // A time in the reader's zone restated in the writer's: the writer's clock is known.
    (
        "la",
        "How about Wednesday the 2nd at 10am your time (9am here)?",
        &[("2026-12-02T09:00-08:00", 30)],
    ),
    (
        "ldn",
        "Could we do Friday at 3pm your time, 8pm for me?",
        &[("2026-11-27T20:00+00:00", 30)],
    ),
    // Restated in a named zone: the named clock fixes the instant, and shows the reader's
    // offset for the email's other clocks of theirs.
    (
        "ldn",
        "Shall we say Thursday at 4pm your time (9pm London)?",
        &[("2026-11-26T21:00+00:00", 30)],
    ),
    (
        "ny",
        "Monday at 9am your time (3pm here), or else Tuesday at 11am your time.",
        &[
            ("2026-11-30T15:00-05:00", 30),
            ("2026-12-01T17:00-05:00", 30),
        ],
    ),
    // The reader's clock borrowed by a day in the sentence before.
    (
        "la",
        "Thursday is good. Shall we say 11:30 your time (8:30 for me)?",
        &[("2026-11-26T08:30-08:00", 30)],
    ),
    // Restatements worded "so noon yours", "I believe this is ...".
    (
        "ny",
        "Could we talk Friday at 6pm CET, so noon yours?",
        &[("2026-11-27T18:00+01:00", 30)],
    ),
    (
        "ldn",
        "Would Tuesday at 9am Tokyo time suit? I believe this is Monday midnight in London.",
        &[("2026-12-01T09:00+09:00", 30)],
    ),
    // "the same time" is the proposed clock, not its restatement.
    (
        "ldn",
        "Is Wednesday 2 December at 10:00 Tokyo time possible (1:00 in London)? Otherwise Thursday at the same time.",
        // Session 7: "Otherwise Thursday" is the Thursday of the offered Wednesday's week (3
        // December), not the next Thursday after the email was written (26 November).
        &[
            ("2026-12-02T10:00+09:00", 30),
            ("2026-12-03T10:00+09:00", 30),
        ],
    ),
    // "local time" where the meeting is.
    (
        "ny",
        "I'm flying in to Chicago for the expo, so could we meet Tuesday at 10 local time?",
        &[("2026-12-01T10:00-06:00", 30)],
    ),
    // A city restating a time names that time's zone only.
    (
        "ldn",
        "Would Friday at noon London time suit? I know that is 7am in Boston - otherwise Monday afternoon.",
        &[
            ("2026-11-27T12:00+00:00", 30),
            ("2026-11-30T12:00+00:00", 300),
        ],
    ),
    (
        "ldn",
        "Could we do Monday at 9am Adelaide time?",
        &[("2026-11-30T09:00+10:30", 30)],
    ),
    // A month-end window followed by more sentences.
    (
        "ldn",
        "Could we fit the review in before the end of the month? It needs about an hour.",
        &[("2026-11-26T09:00+00:00", 6240)],
    ),
    (
        "ny",
        "Do you have an hour on the 30th or the 1st? Ideally in the morning - I'm trying to close out the review.",
        &[
            ("2026-11-30T09:00-05:00", 180),
            ("2026-12-01T09:00-05:00", 180),
        ],
    ),
    (
        "ny",
        "Could we meet Tuesday? I'm out in the morning, unfortunately.",
        &[("2026-12-01T09:00-05:00", 480)],
    ),
    // Session 11: a conditional before "my time" is no restatement; "any time after" and
    // "say" beside their day; a window opened by a clock beside an exact option; German
    // "bei dir wäre das"; "from" with a stated length.
    (
        "ny",
        "Happy to talk Monday the 30th at 4pm. Should an earlier hour be easier, Tuesday the 1st at 9:15am my time works as well.",
        &[
            ("2026-11-30T16:00-05:00", 30),
            ("2026-12-01T09:15-05:00", 30),
        ],
    ),
    (
        "ldn",
        "We could drop by on Friday 4 December anytime after 3, or on Monday 7 December at 11.",
        &[
            ("2026-12-04T15:00+00:00", 120),
            ("2026-12-07T11:00+00:00", 30),
        ],
    ),
    (
        "ldn",
        "Could I come over Thursday 3 December first thing - say 8.45?",
        &[("2026-12-03T08:45+00:00", 30)],
    ),
    (
        "ber",
        "Können wir am Montag, dem 7. Dezember, um 14 Uhr sprechen? Bei dir wäre das 13 Uhr.",
        &[("2026-12-07T14:00+01:00", 30)],
    ),
    (
        "par",
        "Thursday 3 December from 9:30 would work for us; we'll need about two hours on site.",
        &[("2026-12-03T09:30+01:00", 120)],
    ),
    // Session 11, second batch: absences and holidays beside a run or an offer, "with you",
    // Sonora's clock, Turkish "öğleden önce", clashes and regret, "If Thursday is hard".
    (
        "ny",
        "Which days between Monday 30 November and Friday 4 December suit you? Our chair is away on Wednesday 2 December, but otherwise the week is open.",
        &[("2026-11-30T09:00-05:00", 6240)],
    ),
    (
        "ny",
        "Monday 30 November is a bank holiday here and I promised the kids a day out. Could we meet on video on Tuesday 1 December instead, at 3pm?",
        &[("2026-12-01T15:00-05:00", 30)],
    ),
    (
        "ny",
        "Shall we speak Thursday 3 December at 3pm London time - 10am with you, if I have it right?",
        &[("2026-12-03T15:00+00:00", 30)],
    ),
    (
        "ny",
        "Would Tuesday 1 December at 9:00 Hermosillo time suit you for a video call?",
        &[("2026-12-01T09:00-07:00", 30)],
    ),
    (
        "ber",
        "Bilginiz için teşekkürler. 2 Aralık Çarşamba günü öğleden önce ofisinize gelebilirim.",
        &[("2026-12-02T09:00+01:00", 180)],
    ),
    (
        "ny",
        "Thursday 10am clashes with our board call. Could we try Friday 4 December at 10am instead?",
        &[("2026-12-04T10:00-05:00", 30)],
    ),
    (
        "ny",
        "Wednesday the 2nd is our stock count, unfortunately. Could you do Thursday 3 December instead, any time between 10 and 2?",
        &[("2026-12-03T10:00-05:00", 240)],
    ),
    (
        "ny",
        "Can we meet for coffee on Thursday 3 December at 8:30? If Thursday is hard, Friday the 4th at the same time is fine too.",
        &[
            ("2026-12-03T08:30-05:00", 30),
            ("2026-12-04T08:30-05:00", 30),
        ],
    ),
    // Session 11, third batch: a whole day holds a window on its date that starts before
    // 09:00; Czech, with and without its diacritics.
    (
        "ber",
        "Thursday 3 December is still open for us. The engineer can come on Thursday 3 December between 7:30 and 10.",
        &[("2026-12-03T07:30+01:00", 150)],
    ),
    (
        "ber",
        "Dobrý den, šlo by to ve čtvrtek 3. prosince v 8:30? Jinak bychom to museli nechat až na leden. Stačí půl hodiny.",
        &[("2026-12-03T08:30+01:00", 30)],
    ),
    (
        "ber",
        "mas ve stredu odpoledne chvilku? Chci s tebou projit rozpocet, staci pul hodiny.",
        &[("2026-12-02T12:00+01:00", 300)],
    ),
    // Session 11, fourth batch: Swahili (hours counted from dawn), Malay, and "the meeting
    // ... moved to", which is the meeting in hand.
    (
        "cai",
        "Habari Amina, naomba tuzungumze kwa simu Jumatano tarehe 2 Desemba, saa tatu asubuhi, kuhusu mkataba. Asante sana.",
        &[("2026-12-02T09:00+02:00", 30)],
    ),
    (
        "sha",
        "Encik Farid, mesyuarat bulanan dipindahkan ke Khamis 3 Disember, pukul 10 pagi. Boleh tak?",
        &[("2026-12-03T10:00+08:00", 30)],
    ),
    (
        "ny",
        "Quick update: the Thursday meeting with the auditors moved to Monday 30 November at 11am.",
        &[("2026-11-30T11:00-05:00", 30)],
    ),
    // Session 11, fifth batch: a switch to daylight time is no move; a clock borrowed from
    // the guest's ride is the ride's.
    (
        "ny_dst",
        "We switch to daylight time on Sunday the 8th, so could we aim for a call the week of March 16?",
        &[("2026-03-16T09:00-04:00", 6240)],
    ),
    (
        "ny",
        "Friday 4 December at 10 would be ideal - the showroom is restocked on Thursdays. I'll send a car to your hotel at 9:15.",
        &[("2026-12-04T10:00-05:00", 30)],
    ),
    // Session 12: a guest arriving in a city for an in-person meeting meets on its clock.
    (
        "ny",
        "Our flight now gets into Lisbon late on Sunday, so could we come by the factory on Monday 30 November at 10am?",
        &[("2026-11-30T10:00+00:00", 30)],
    ),
    (
        "ny",
        "We land in Madrid on the 29th - could we stop by the plant on Tuesday 1 December at 9:30?",
        &[("2026-12-01T09:30+01:00", 30)],
    ),
    (
        "par",
        "Je serai au Japon du 28 novembre au 5 décembre. Pourrions-nous passer à la brasserie le jeudi 3 décembre vers 14h ?",
        &[("2026-12-03T14:00+09:00", 30)],
    ),
    // German "halb" after any preposition and alone, "um 10" without "Uhr", spoken "ne
    // Stunde"; lengths counted in words in four languages; a zone gap is no length.
    (
        "ber",
        "Passt dir Freitag 27.11. gegen halb 3? Wir bräuchten ne halbe Stunde.",
        &[("2026-11-27T14:30+01:00", 30)],
    ),
    (
        "ber",
        "Die Besprechung morgen muss ich leider verschieben. Geht Dienstag um 9 statt morgen? Dauert nur ne Stunde.",
        &[("2026-12-01T09:00+01:00", 60)],
    ),
    (
        "mad",
        "¿Nos vemos el jueves 3 de diciembre a las 9:30? Calculamos unas cuatro horas para la visita.",
        &[("2026-12-03T09:30+01:00", 240)],
    ),
    (
        "par",
        "Pourrions-nous faire l'audit le mardi 1er décembre à 8h30 ? Comptez environ trois heures.",
        &[("2026-12-01T08:30+01:00", 180)],
    ),
    (
        "mad",
        "¿Una llamada el viernes 4 de diciembre a las 16:00? Ojo, ahora estamos seis horas adelante de ustedes.",
        &[("2026-12-04T16:00+01:00", 30)],
    ),
    // Weeks counted in a month, the week of a mid-week day, and "the week after" it.
    (
        "ny",
        "Could you let me know when you are free the second week of January?",
        &[("2027-01-11T09:00-05:00", 6240)],
    ),
    (
        "ny",
        "Would the week of December 9 work for the site visit, or else the week after?",
        &[
            ("2026-12-07T09:00-05:00", 6240),
            ("2026-12-14T09:00-05:00", 6240),
        ],
    ),
];

/// Instants compared, so an engine may print the same time in another offset.
fn expected(start: &str, minutes: i64) -> (DateTime<FixedOffset>, DateTime<FixedOffset>) {
    let s = DateTime::parse_from_rfc3339(&format!("{}:00{}", &start[..16], &start[16..]))
        .unwrap_or_else(|e| panic!("bad probe time {start}: {e}"));
    (s, s + chrono::Duration::minutes(minutes))
}

#[test]
fn probes_are_many_and_varied() {
    assert!(PROBES.len() >= 80, "{} probes", PROBES.len());
}

#[test]
fn proposals_worded_many_ways_resolve_to_the_same_slots() {
    let mut failures = Vec::new();
    for (key, text, want) in PROBES {
        // As the body of an email, so the text goes through the email path (cue windows),
        // not the one-phrase path.
        let body = format!("Hi Sam,\n\n{text}\n\nBest,\nAlex\n");
        let got: Vec<_> = read_times(&body, &context(key))
            .slots
            .iter()
            .map(|s| (s.start, s.end))
            .collect();
        let want: Vec<_> = want.iter().map(|(s, m)| expected(s, *m)).collect();
        if got != want {
            let show = |v: &[(DateTime<FixedOffset>, DateTime<FixedOffset>)]| {
                v.iter()
                    .map(|(s, e)| {
                        format!(
                            "{}/{}m",
                            s.format("%m-%d %H:%M%:z"),
                            (*e - *s).num_minutes()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            failures.push(format!(
                "[{key}] {text:?}\n    got  [{}]\n    want [{}]",
                show(&got),
                show(&want)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} probes fail:\n{}",
        failures.len(),
        PROBES.len(),
        failures.join("\n")
    );
}
