//! The writer's own IANA zone, from what the email says about where they are: the country of
//! their address's domain ("kaidi@balticplate.ee") or the place in their signature ("Sales |
//! Tallinn"). The Date header only gives an offset, and an offset has no daylight-saving
//! rules: "Tuesday 31 March at 10" from +02:00 in Tallinn is 10:00 at +03:00, after the EU
//! change. A candidate counts only when its offset at the Date is the Date's offset, so a
//! Finn writing from New York keeps New York's offset.

use chrono::{DateTime, FixedOffset, Offset, TimeZone};
use chrono_tz::Tz;

use super::zones;

/// Country-code domains of countries that keep one zone (or one zone for nearly all
/// business mail, checked against the Date offset anyway). Countries spanning several
/// zones (us, ca, au, ru, br, mx, id, kz…) name none.
const COUNTRY_DOMAINS: &[(&str, Tz)] = &[
    ("ae", Tz::Asia__Dubai),
    ("al", Tz::Europe__Tirane),
    ("ar", Tz::America__Argentina__Buenos_Aires),
    ("at", Tz::Europe__Vienna),
    ("ba", Tz::Europe__Sarajevo),
    ("bd", Tz::Asia__Dhaka),
    ("be", Tz::Europe__Brussels),
    ("bg", Tz::Europe__Sofia),
    ("bh", Tz::Asia__Bahrain),
    ("bo", Tz::America__La_Paz),
    ("ch", Tz::Europe__Zurich),
    ("cl", Tz::America__Santiago),
    ("cn", Tz::Asia__Shanghai),
    ("co", Tz::America__Bogota),
    ("cr", Tz::America__Costa_Rica),
    ("cy", Tz::Asia__Nicosia),
    ("cz", Tz::Europe__Prague),
    ("de", Tz::Europe__Berlin),
    ("dk", Tz::Europe__Copenhagen),
    ("do", Tz::America__Santo_Domingo),
    ("ee", Tz::Europe__Tallinn),
    ("eg", Tz::Africa__Cairo),
    ("es", Tz::Europe__Madrid),
    ("et", Tz::Africa__Addis_Ababa),
    ("fi", Tz::Europe__Helsinki),
    ("fr", Tz::Europe__Paris),
    ("gh", Tz::Africa__Accra),
    ("gr", Tz::Europe__Athens),
    ("gt", Tz::America__Guatemala),
    ("hk", Tz::Asia__Hong_Kong),
    ("hr", Tz::Europe__Zagreb),
    ("hu", Tz::Europe__Budapest),
    ("ie", Tz::Europe__Dublin),
    ("il", Tz::Asia__Jerusalem),
    ("in", Tz::Asia__Kolkata),
    ("is", Tz::Atlantic__Reykjavik),
    ("it", Tz::Europe__Rome),
    ("jo", Tz::Asia__Amman),
    ("jp", Tz::Asia__Tokyo),
    ("ke", Tz::Africa__Nairobi),
    ("kr", Tz::Asia__Seoul),
    ("kw", Tz::Asia__Kuwait),
    ("lb", Tz::Asia__Beirut),
    ("lk", Tz::Asia__Colombo),
    ("lt", Tz::Europe__Vilnius),
    ("lu", Tz::Europe__Luxembourg),
    ("lv", Tz::Europe__Riga),
    ("ma", Tz::Africa__Casablanca),
    ("mt", Tz::Europe__Malta),
    ("mu", Tz::Indian__Mauritius),
    ("my", Tz::Asia__Kuala_Lumpur),
    ("mz", Tz::Africa__Maputo),
    ("na", Tz::Africa__Windhoek),
    ("ng", Tz::Africa__Lagos),
    ("nl", Tz::Europe__Amsterdam),
    ("no", Tz::Europe__Oslo),
    ("np", Tz::Asia__Kathmandu),
    ("nz", Tz::Pacific__Auckland),
    ("om", Tz::Asia__Muscat),
    ("pa", Tz::America__Panama),
    ("pe", Tz::America__Lima),
    ("ph", Tz::Asia__Manila),
    ("pk", Tz::Asia__Karachi),
    ("pl", Tz::Europe__Warsaw),
    ("pt", Tz::Europe__Lisbon),
    ("py", Tz::America__Asuncion),
    ("qa", Tz::Asia__Qatar),
    ("ro", Tz::Europe__Bucharest),
    ("rs", Tz::Europe__Belgrade),
    ("rw", Tz::Africa__Kigali),
    ("sa", Tz::Asia__Riyadh),
    ("se", Tz::Europe__Stockholm),
    ("sg", Tz::Asia__Singapore),
    ("si", Tz::Europe__Ljubljana),
    ("sk", Tz::Europe__Bratislava),
    ("th", Tz::Asia__Bangkok),
    ("tn", Tz::Africa__Tunis),
    ("tr", Tz::Europe__Istanbul),
    ("tw", Tz::Asia__Taipei),
    ("tz", Tz::Africa__Dar_es_Salaam),
    ("ua", Tz::Europe__Kyiv),
    ("ug", Tz::Africa__Kampala),
    ("uk", Tz::Europe__London),
    ("uy", Tz::America__Montevideo),
    ("uz", Tz::Asia__Tashkent),
    ("ve", Tz::America__Caracas),
    ("vn", Tz::Asia__Ho_Chi_Minh),
    ("za", Tz::Africa__Johannesburg),
    ("zm", Tz::Africa__Lusaka),
    ("zw", Tz::Africa__Harare),
];

/// The zone of an address's country-code domain ("x@kivikkokiuas.fi" is Finland's).
pub fn country_zone(address: &str) -> Option<Tz> {
    let domain = address.rsplit_once('@')?.1.trim_end_matches('>');
    let tld = domain.rsplit('.').next()?.to_ascii_lowercase();
    COUNTRY_DOMAINS
        .binary_search_by(|(d, _)| d.cmp(&tld.as_str()))
        .ok()
        .map(|i| COUNTRY_DOMAINS[i].1)
}

/// The writer's zone: the one the caller knows (the user's profile, for their own mail), else
/// from their signature and address; each only when it agrees with the Date header's offset (a
/// user travelling writes in the zone they are in). The signature's place wins over the domain
/// (a Dutch company's employee may sign from Jakarta).
pub fn writer_zone(
    known: Option<Tz>,
    address: Option<&str>,
    signature: &str,
    date: DateTime<FixedOffset>,
) -> Option<Tz> {
    let agrees = |tz: &Tz| {
        tz.offset_from_utc_datetime(&date.naive_utc())
            .fix()
            .local_minus_utc()
            == date.offset().local_minus_utc()
    };
    known
        .filter(agrees)
        .or_else(|| zones::signature_place(signature).filter(agrees))
        .or_else(|| address.and_then(country_zone).filter(agrees))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).expect("valid")
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(COUNTRY_DOMAINS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_country_domain_names_the_zone_when_the_date_agrees() {
        let winter = at("2026-03-26T14:05:21+02:00");
        assert_eq!(
            writer_zone(None, Some("kaidi@balticplate.ee"), "", winter),
            Some(Tz::Europe__Tallinn)
        );
        assert_eq!(
            writer_zone(
                None,
                Some("ops@mill.co.uk"),
                "",
                at("2026-07-01T09:00:00+01:00")
            ),
            Some(Tz::Europe__London)
        );
        // A Finnish address writing from New York keeps New York's offset.
        assert_eq!(
            writer_zone(
                None,
                Some("jere@kivikkokiuas.fi"),
                "",
                at("2026-03-26T08:00:00-04:00")
            ),
            None
        );
        // Countries with several zones, and generic domains, say nothing.
        assert_eq!(writer_zone(None, Some("a@b.com"), "", winter), None);
        assert_eq!(
            writer_zone(
                None,
                Some("a@b.com.au"),
                "",
                at("2026-03-26T14:05:21+11:00")
            ),
            None
        );
    }

    #[test]
    fn a_signature_place_wins_over_the_domain() {
        let date = at("2026-01-13T09:00:00+02:00");
        assert_eq!(
            writer_zone(
                None,
                Some("sales@nl-firm.nl"),
                "Anna\nSales | Tallinn",
                date
            ),
            Some(Tz::Europe__Tallinn)
        );
        // A place whose offset disagrees with the Date is not where the writer is now.
        assert_eq!(writer_zone(None, None, "Anna\nSales | Tokyo", date), None);
    }

    #[test]
    fn a_known_zone_wins_while_the_writer_is_in_it() {
        // The user's profile says St. John's: a generic domain says nothing, the profile does,
        // and it carries Newfoundland's DST rules the Date's -03:30 lacks.
        let winter = at("2027-03-09T10:00:00-03:30");
        let nl = Some(Tz::America__St_Johns);
        assert_eq!(
            writer_zone(nl, Some("a@b.com"), "", winter),
            Some(Tz::America__St_Johns)
        );
        // Away from home (the Date says -05:00), the profile is not where they write from.
        assert_eq!(
            writer_zone(nl, Some("a@b.com"), "", at("2027-03-09T10:00:00-05:00")),
            None
        );
    }
}
