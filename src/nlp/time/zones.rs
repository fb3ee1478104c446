//! Zone words ("3pm ET", "London time", "UTC+2") found beside a time, resolved to real zones.

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::LazyLock;

/// Where a wall-clock time lives: a real IANA zone (DST-aware) or a fixed UTC offset.
/// Serialised as its name: `America/New_York`, `UTC`, `UTC+02:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// An IANA zone such as `America/New_York`; its offset depends on the date.
    Iana(Tz),
    /// A fixed offset from UTC ("UTC+2", or a sender known only by the Date header's offset).
    Fixed(FixedOffset),
}

impl Zone {
    /// The name printed beside a slot: the IANA name, or `UTC`, `UTC+02:00`, `UTC-05:30`.
    pub fn name(&self) -> String {
        match self {
            Zone::Iana(tz) => tz.name().to_string(),
            Zone::Fixed(off) => fixed_name(*off),
        }
    }

    /// The instant of a wall-clock time in this zone.
    ///
    /// DST trap: in a spring-forward gap (02:30 on a US March Sunday) the wall time does not
    /// exist; we move it forward by the gap, as calendar clients do. In a fall-back overlap the
    /// wall time exists twice; we take the earlier (daylight) instant.
    pub fn resolve(&self, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Fixed(off) => off.from_local_datetime(&local).single(),
            Zone::Iana(tz) => resolve_in_tz(*tz, local),
        }
    }

    /// The wall-clock time of an instant in this zone.
    pub fn local_of(&self, instant: DateTime<FixedOffset>) -> NaiveDateTime {
        match self {
            Zone::Fixed(off) => instant.with_timezone(off).naive_local(),
            Zone::Iana(tz) => instant.with_timezone(tz).naive_local(),
        }
    }
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Zone::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown zone {name:?}")))
    }
}

impl Zone {
    /// The zone a name printed by [`Zone::name`] stands for.
    pub fn from_name(name: &str) -> Option<Zone> {
        if let Ok(tz) = name.parse::<Tz>() {
            return Some(Zone::Iana(tz));
        }
        let rest = name.strip_prefix("UTC")?;
        if rest.is_empty() {
            return Some(Zone::Fixed(FixedOffset::east_opt(0)?));
        }
        match parse_offset(rest.as_bytes(), 0) {
            (Some(off), end) if end == rest.len() => Some(Zone::Fixed(off)),
            _ => None,
        }
    }
}

/// Zones tried, most common senders first, when only a Date header's offset is known.
const LIKELY_ZONES: &[Tz] = &[
    Tz::America__New_York,
    Tz::America__Chicago,
    Tz::America__Denver,
    Tz::America__Los_Angeles,
    Tz::America__Phoenix,
    Tz::Europe__London,
    Tz::Europe__Paris,
    Tz::Asia__Kolkata,
    Tz::Asia__Tokyo,
    Tz::Australia__Sydney,
    Tz::Asia__Shanghai,
    Tz::Asia__Singapore,
    Tz::Asia__Dubai,
    Tz::America__Sao_Paulo,
    Tz::Pacific__Auckland,
];

impl Zone {
    /// The most likely IANA zone of a sender whose Date header shows `at` (its offset at
    /// that instant), else that fixed offset. A guess: -05:00 in January is taken as New
    /// York, so a proposal after the US DST change lands at -04:00 as the sender meant; a
    /// sender in Bogota (-05:00 all year) would be an hour off for such dates.
    pub fn likely_for(at: DateTime<FixedOffset>) -> Zone {
        let utc = at.naive_utc();
        let want = at.offset().local_minus_utc();
        LIKELY_ZONES
            .iter()
            .find(|tz| tz.offset_from_utc_datetime(&utc).fix().local_minus_utc() == want)
            .map_or(Zone::Fixed(*at.offset()), |tz| Zone::Iana(*tz))
    }
}

fn resolve_in_tz(tz: Tz, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    use chrono::LocalResult;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(dt) => Some(dt.fixed_offset()),
        LocalResult::Ambiguous(early, _) => Some(early.fixed_offset()),
        LocalResult::None => {
            // Read the wall time with the offset in force just before the gap, then convert:
            // 02:30 EST (UTC-5) is 07:30 UTC, which is 03:30 EDT, moved forward by the gap.
            let before = local.checked_sub_signed(Duration::hours(6))?;
            let pre_offset = tz.from_local_datetime(&before).earliest()?.offset().fix();
            let utc = local
                .checked_sub_signed(Duration::seconds(i64::from(pre_offset.local_minus_utc())))?;
            Some(tz.from_utc_datetime(&utc).fixed_offset())
        }
    }
}

fn fixed_name(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    if secs == 0 {
        return "UTC".to_string();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
}

/// A zone mention found in the text, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneMention {
    /// Byte offset of the first character of the mention.
    pub start: usize,
    /// Byte offset just past the mention.
    pub end: usize,
    /// The zone it names.
    pub zone: Zone,
}

/// A zone word, alone: abbreviations that are written all year long map to the IANA zone,
/// never to the fixed offset the letters spell. People write "3pm EST" in July and mean
/// New York time (EDT), so EST/EDT/ET all resolve to America/New_York on the slot's date;
/// the same holds for PST/PDT, CST/CDT, MST/MDT, BST/GMT-in-London, CET/CEST, AEST/AEDT.
/// Cities whose name, with "time", names their zone; two-word names first.
const CITIES: &[(&str, Tz)] = &[
    ("salt lake city", Tz::America__Denver),
    ("mexico city", Tz::America__Mexico_City),
    ("hong kong", Tz::Asia__Hong_Kong),
    ("los angeles", Tz::America__Los_Angeles),
    ("san francisco", Tz::America__Los_Angeles),
    ("sao paulo", Tz::America__Sao_Paulo),
    ("buenos aires", Tz::America__Argentina__Buenos_Aires),
    ("cape town", Tz::Africa__Johannesburg),
    ("tel aviv", Tz::Asia__Jerusalem),
    ("kuala lumpur", Tz::Asia__Kuala_Lumpur),
    ("new delhi", Tz::Asia__Kolkata),
    ("new zealand", Tz::Pacific__Auckland),
    ("chicago", Tz::America__Chicago),
    ("denver", Tz::America__Denver),
    ("phoenix", Tz::America__Phoenix),
    ("arizona", Tz::America__Phoenix),
    ("seattle", Tz::America__Los_Angeles),
    ("boston", Tz::America__New_York),
    ("toronto", Tz::America__Toronto),
    ("vancouver", Tz::America__Vancouver),
    ("montreal", Tz::America__Toronto),
    ("santiago", Tz::America__Santiago),
    ("lima", Tz::America__Lima),
    ("bogota", Tz::America__Bogota),
    ("lisboa", Tz::Europe__Lisbon),
    ("hawaii", Tz::Pacific__Honolulu),
    ("honolulu", Tz::Pacific__Honolulu),
    ("dublin", Tz::Europe__Dublin),
    ("lisbon", Tz::Europe__Lisbon),
    ("stockholm", Tz::Europe__Stockholm),
    ("oslo", Tz::Europe__Oslo),
    ("copenhagen", Tz::Europe__Copenhagen),
    ("helsinki", Tz::Europe__Helsinki),
    ("warsaw", Tz::Europe__Warsaw),
    ("prague", Tz::Europe__Prague),
    ("vienna", Tz::Europe__Vienna),
    ("zurich", Tz::Europe__Zurich),
    ("brussels", Tz::Europe__Brussels),
    ("athens", Tz::Europe__Athens),
    ("istanbul", Tz::Europe__Istanbul),
    ("moscow", Tz::Europe__Moscow),
    ("cairo", Tz::Africa__Cairo),
    ("nairobi", Tz::Africa__Nairobi),
    ("johannesburg", Tz::Africa__Johannesburg),
    ("mumbai", Tz::Asia__Kolkata),
    ("delhi", Tz::Asia__Kolkata),
    ("bangalore", Tz::Asia__Kolkata),
    ("bengaluru", Tz::Asia__Kolkata),
    ("shanghai", Tz::Asia__Shanghai),
    ("beijing", Tz::Asia__Shanghai),
    ("seoul", Tz::Asia__Seoul),
    ("manila", Tz::Asia__Manila),
    ("jakarta", Tz::Asia__Jakarta),
    ("bangkok", Tz::Asia__Bangkok),
    ("minneapolis", Tz::America__Chicago),
    ("atlanta", Tz::America__New_York),
    ("boise", Tz::America__Boise),
    ("porto", Tz::Europe__Lisbon),
    ("adelaide", Tz::Australia__Adelaide),
    ("darwin", Tz::Australia__Darwin),
    ("hobart", Tz::Australia__Hobart),
    ("melbourne", Tz::Australia__Melbourne),
    ("brisbane", Tz::Australia__Brisbane),
    ("perth", Tz::Australia__Perth),
    ("auckland", Tz::Pacific__Auckland),
    ("hamburg", Tz::Europe__Berlin),
    ("munich", Tz::Europe__Berlin),
    ("milan", Tz::Europe__Rome),
    ("barcelona", Tz::Europe__Madrid),
    ("antwerp", Tz::Europe__Brussels),
    ("addis", Tz::Africa__Addis_Ababa),
    ("kigali", Tz::Africa__Kigali),
    ("windhoek", Tz::Africa__Windhoek),
    ("maputo", Tz::Africa__Maputo),
    ("taipei", Tz::Asia__Taipei),
    ("montevideo", Tz::America__Montevideo),
    ("halifax", Tz::America__Halifax),
    ("miami", Tz::America__New_York),
    ("philadelphia", Tz::America__New_York),
    ("pittsburgh", Tz::America__New_York),
    ("baltimore", Tz::America__New_York),
    ("raleigh", Tz::America__New_York),
    ("tampa", Tz::America__New_York),
    ("cleveland", Tz::America__New_York),
    ("ottawa", Tz::America__Toronto),
    ("detroit", Tz::America__Detroit),
    ("indianapolis", Tz::America__Indiana__Indianapolis),
    ("houston", Tz::America__Chicago),
    ("dallas", Tz::America__Chicago),
    ("austin", Tz::America__Chicago),
    ("nashville", Tz::America__Chicago),
    ("new orleans", Tz::America__Chicago),
    ("kansas city", Tz::America__Chicago),
    ("milwaukee", Tz::America__Chicago),
    ("omaha", Tz::America__Chicago),
    ("fargo", Tz::America__Chicago),
    ("duluth", Tz::America__Chicago),
    ("winnipeg", Tz::America__Winnipeg),
    ("albuquerque", Tz::America__Denver),
    ("calgary", Tz::America__Edmonton),
    ("edmonton", Tz::America__Edmonton),
    ("san diego", Tz::America__Los_Angeles),
    ("las vegas", Tz::America__Los_Angeles),
    ("anchorage", Tz::America__Anchorage),
    ("guadalajara", Tz::America__Mexico_City),
    // Sonora keeps -07:00 all year, like Arizona; Baja California follows the US changes.
    ("hermosillo", Tz::America__Hermosillo),
    ("tijuana", Tz::America__Tijuana),
    ("monterrey", Tz::America__Monterrey),
    ("havana", Tz::America__Havana),
    ("caracas", Tz::America__Caracas),
    ("quito", Tz::America__Guayaquil),
    ("la paz", Tz::America__La_Paz),
    ("asuncion", Tz::America__Asuncion),
    ("rio de janeiro", Tz::America__Sao_Paulo),
    ("curitiba", Tz::America__Sao_Paulo),
    ("porto alegre", Tz::America__Sao_Paulo),
    ("belo horizonte", Tz::America__Sao_Paulo),
    ("recife", Tz::America__Recife),
    ("manaus", Tz::America__Manaus),
    ("medellin", Tz::America__Bogota),
    ("valparaiso", Tz::America__Santiago),
    ("punta arenas", Tz::America__Punta_Arenas),
    ("rotterdam", Tz::Europe__Amsterdam),
    ("the hague", Tz::Europe__Amsterdam),
    ("utrecht", Tz::Europe__Amsterdam),
    ("eindhoven", Tz::Europe__Amsterdam),
    ("delft", Tz::Europe__Amsterdam),
    ("frankfurt", Tz::Europe__Berlin),
    ("cologne", Tz::Europe__Berlin),
    ("dusseldorf", Tz::Europe__Berlin),
    ("stuttgart", Tz::Europe__Berlin),
    ("hannover", Tz::Europe__Berlin),
    ("leipzig", Tz::Europe__Berlin),
    ("dresden", Tz::Europe__Berlin),
    ("bremen", Tz::Europe__Berlin),
    ("nuremberg", Tz::Europe__Berlin),
    ("geneva", Tz::Europe__Zurich),
    ("basel", Tz::Europe__Zurich),
    ("bern", Tz::Europe__Zurich),
    ("lausanne", Tz::Europe__Zurich),
    ("lugano", Tz::Europe__Zurich),
    ("winterthur", Tz::Europe__Zurich),
    ("lyon", Tz::Europe__Paris),
    ("marseille", Tz::Europe__Paris),
    ("toulouse", Tz::Europe__Paris),
    ("bordeaux", Tz::Europe__Paris),
    ("lille", Tz::Europe__Paris),
    ("nantes", Tz::Europe__Paris),
    ("strasbourg", Tz::Europe__Paris),
    ("annecy", Tz::Europe__Paris),
    ("seville", Tz::Europe__Madrid),
    ("sevilla", Tz::Europe__Madrid),
    ("bilbao", Tz::Europe__Madrid),
    ("malaga", Tz::Europe__Madrid),
    ("valencia", Tz::Europe__Madrid),
    ("zaragoza", Tz::Europe__Madrid),
    ("turin", Tz::Europe__Rome),
    ("torino", Tz::Europe__Rome),
    ("naples", Tz::Europe__Rome),
    ("napoli", Tz::Europe__Rome),
    ("florence", Tz::Europe__Rome),
    ("firenze", Tz::Europe__Rome),
    ("bologna", Tz::Europe__Rome),
    ("venice", Tz::Europe__Rome),
    ("genoa", Tz::Europe__Rome),
    ("milano", Tz::Europe__Rome),
    ("roma", Tz::Europe__Rome),
    ("manchester", Tz::Europe__London),
    ("edinburgh", Tz::Europe__London),
    ("glasgow", Tz::Europe__London),
    ("leeds", Tz::Europe__London),
    ("liverpool", Tz::Europe__London),
    ("belfast", Tz::Europe__London),
    ("cardiff", Tz::Europe__London),
    ("cork", Tz::Europe__Dublin),
    ("galway", Tz::Europe__Dublin),
    ("limerick", Tz::Europe__Dublin),
    ("faro", Tz::Europe__Lisbon),
    ("ghent", Tz::Europe__Brussels),
    ("gent", Tz::Europe__Brussels),
    ("bruges", Tz::Europe__Brussels),
    ("leuven", Tz::Europe__Brussels),
    ("antwerpen", Tz::Europe__Brussels),
    ("luxembourg", Tz::Europe__Luxembourg),
    ("gothenburg", Tz::Europe__Stockholm),
    ("malmo", Tz::Europe__Stockholm),
    ("uppsala", Tz::Europe__Stockholm),
    ("bergen", Tz::Europe__Oslo),
    ("trondheim", Tz::Europe__Oslo),
    ("stavanger", Tz::Europe__Oslo),
    ("aarhus", Tz::Europe__Copenhagen),
    ("odense", Tz::Europe__Copenhagen),
    ("tampere", Tz::Europe__Helsinki),
    ("turku", Tz::Europe__Helsinki),
    ("oulu", Tz::Europe__Helsinki),
    ("espoo", Tz::Europe__Helsinki),
    ("tallinn", Tz::Europe__Tallinn),
    ("tartu", Tz::Europe__Tallinn),
    ("riga", Tz::Europe__Riga),
    ("vilnius", Tz::Europe__Vilnius),
    ("kaunas", Tz::Europe__Vilnius),
    ("krakow", Tz::Europe__Warsaw),
    ("gdansk", Tz::Europe__Warsaw),
    ("wroclaw", Tz::Europe__Warsaw),
    ("poznan", Tz::Europe__Warsaw),
    ("brno", Tz::Europe__Prague),
    ("bratislava", Tz::Europe__Bratislava),
    ("budapest", Tz::Europe__Budapest),
    ("ljubljana", Tz::Europe__Ljubljana),
    ("zagreb", Tz::Europe__Zagreb),
    ("belgrade", Tz::Europe__Belgrade),
    ("bucharest", Tz::Europe__Bucharest),
    ("kyiv", Tz::Europe__Kyiv),
    ("kiev", Tz::Europe__Kyiv),
    ("lviv", Tz::Europe__Kyiv),
    ("thessaloniki", Tz::Europe__Athens),
    ("salzburg", Tz::Europe__Vienna),
    ("graz", Tz::Europe__Vienna),
    ("innsbruck", Tz::Europe__Vienna),
    ("reykjavik", Tz::Atlantic__Reykjavik),
    ("valletta", Tz::Europe__Malta),
    ("nicosia", Tz::Asia__Nicosia),
    ("ankara", Tz::Europe__Istanbul),
    ("izmir", Tz::Europe__Istanbul),
    ("alexandria", Tz::Africa__Cairo),
    ("giza", Tz::Africa__Cairo),
    ("casablanca", Tz::Africa__Casablanca),
    ("rabat", Tz::Africa__Casablanca),
    ("marrakech", Tz::Africa__Casablanca),
    ("marrakesh", Tz::Africa__Casablanca),
    ("fez", Tz::Africa__Casablanca),
    ("fes", Tz::Africa__Casablanca),
    ("tangier", Tz::Africa__Casablanca),
    ("tangiers", Tz::Africa__Casablanca),
    ("agadir", Tz::Africa__Casablanca),
    ("tunis", Tz::Africa__Tunis),
    ("algiers", Tz::Africa__Algiers),
    ("accra", Tz::Africa__Accra),
    ("abuja", Tz::Africa__Lagos),
    ("dakar", Tz::Africa__Dakar),
    ("abidjan", Tz::Africa__Abidjan),
    ("kampala", Tz::Africa__Kampala),
    ("dar es salaam", Tz::Africa__Dar_es_Salaam),
    ("mombasa", Tz::Africa__Nairobi),
    ("lusaka", Tz::Africa__Lusaka),
    ("harare", Tz::Africa__Harare),
    ("gaborone", Tz::Africa__Gaborone),
    ("durban", Tz::Africa__Johannesburg),
    ("pretoria", Tz::Africa__Johannesburg),
    ("kinshasa", Tz::Africa__Kinshasa),
    ("luanda", Tz::Africa__Luanda),
    ("muscat", Tz::Asia__Muscat),
    ("salalah", Tz::Asia__Muscat),
    ("doha", Tz::Asia__Qatar),
    ("riyadh", Tz::Asia__Riyadh),
    ("jeddah", Tz::Asia__Riyadh),
    ("dammam", Tz::Asia__Riyadh),
    ("abu dhabi", Tz::Asia__Dubai),
    ("sharjah", Tz::Asia__Dubai),
    ("manama", Tz::Asia__Bahrain),
    ("amman", Tz::Asia__Amman),
    ("beirut", Tz::Asia__Beirut),
    ("jerusalem", Tz::Asia__Jerusalem),
    ("haifa", Tz::Asia__Jerusalem),
    ("tehran", Tz::Asia__Tehran),
    ("baku", Tz::Asia__Baku),
    ("tbilisi", Tz::Asia__Tbilisi),
    ("yerevan", Tz::Asia__Yerevan),
    ("karachi", Tz::Asia__Karachi),
    ("lahore", Tz::Asia__Karachi),
    ("islamabad", Tz::Asia__Karachi),
    ("dhaka", Tz::Asia__Dhaka),
    ("colombo", Tz::Asia__Colombo),
    ("kathmandu", Tz::Asia__Kathmandu),
    ("chennai", Tz::Asia__Kolkata),
    ("hyderabad", Tz::Asia__Kolkata),
    ("kolkata", Tz::Asia__Kolkata),
    ("pune", Tz::Asia__Kolkata),
    ("ahmedabad", Tz::Asia__Kolkata),
    ("gurgaon", Tz::Asia__Kolkata),
    ("gurugram", Tz::Asia__Kolkata),
    ("noida", Tz::Asia__Kolkata),
    ("shenzhen", Tz::Asia__Shanghai),
    ("guangzhou", Tz::Asia__Shanghai),
    ("hangzhou", Tz::Asia__Shanghai),
    ("suzhou", Tz::Asia__Shanghai),
    ("ningbo", Tz::Asia__Shanghai),
    ("xiamen", Tz::Asia__Shanghai),
    ("chengdu", Tz::Asia__Shanghai),
    ("wuhan", Tz::Asia__Shanghai),
    ("nanjing", Tz::Asia__Shanghai),
    ("qingdao", Tz::Asia__Shanghai),
    ("dongguan", Tz::Asia__Shanghai),
    ("macau", Tz::Asia__Macau),
    ("taichung", Tz::Asia__Taipei),
    ("kaohsiung", Tz::Asia__Taipei),
    ("hsinchu", Tz::Asia__Taipei),
    ("osaka", Tz::Asia__Tokyo),
    ("kyoto", Tz::Asia__Tokyo),
    ("yokohama", Tz::Asia__Tokyo),
    ("nagoya", Tz::Asia__Tokyo),
    ("sapporo", Tz::Asia__Tokyo),
    ("fukuoka", Tz::Asia__Tokyo),
    ("kobe", Tz::Asia__Tokyo),
    ("busan", Tz::Asia__Seoul),
    ("incheon", Tz::Asia__Seoul),
    ("hanoi", Tz::Asia__Bangkok),
    ("ho chi minh", Tz::Asia__Ho_Chi_Minh),
    ("saigon", Tz::Asia__Ho_Chi_Minh),
    ("phnom penh", Tz::Asia__Phnom_Penh),
    ("yangon", Tz::Asia__Yangon),
    ("penang", Tz::Asia__Kuala_Lumpur),
    ("cebu", Tz::Asia__Manila),
    ("surabaya", Tz::Asia__Jakarta),
    ("bandung", Tz::Asia__Jakarta),
    ("bali", Tz::Asia__Makassar),
    ("almaty", Tz::Asia__Almaty),
    ("tashkent", Tz::Asia__Tashkent),
    ("canberra", Tz::Australia__Sydney),
    ("gold coast", Tz::Australia__Brisbane),
    ("cairns", Tz::Australia__Brisbane),
    ("wellington", Tz::Pacific__Auckland),
    ("christchurch", Tz::Pacific__Auckland),
    ("queenstown", Tz::Pacific__Auckland),
    ("dunedin", Tz::Pacific__Auckland),
    ("fiji", Tz::Pacific__Fiji),
    ("suva", Tz::Pacific__Fiji),
    // Cities read like any other city ("London time", "4pm Tokyo", "16:00 in Singapore").
    ("singapore", Tz::Asia__Singapore),
    ("london", Tz::Europe__London),
    ("paris", Tz::Europe__Paris),
    ("berlin", Tz::Europe__Berlin),
    ("amsterdam", Tz::Europe__Amsterdam),
    ("madrid", Tz::Europe__Madrid),
    ("rome", Tz::Europe__Rome),
    ("tokyo", Tz::Asia__Tokyo),
    ("sydney", Tz::Australia__Sydney),
    ("dubai", Tz::Asia__Dubai),
    ("lagos", Tz::Africa__Lagos),
    // Countries with one zone: "16:00 in Italy".
    ("italy", Tz::Europe__Rome),
    ("germany", Tz::Europe__Berlin),
    ("france", Tz::Europe__Paris),
    ("spain", Tz::Europe__Madrid),
    ("the netherlands", Tz::Europe__Amsterdam),
    ("holland", Tz::Europe__Amsterdam),
    ("belgium", Tz::Europe__Brussels),
    ("denmark", Tz::Europe__Copenhagen),
    ("sweden", Tz::Europe__Stockholm),
    ("norway", Tz::Europe__Oslo),
    ("ireland", Tz::Europe__Dublin),
    ("iceland", Tz::Atlantic__Reykjavik),
    ("taiwan", Tz::Asia__Taipei),
    ("india", Tz::Asia__Kolkata),
    ("ethiopia", Tz::Africa__Addis_Ababa),
    ("kenya", Tz::Africa__Nairobi),
    ("south africa", Tz::Africa__Johannesburg),
    ("chile", Tz::America__Santiago),
    ("uruguay", Tz::America__Montevideo),
    ("finland", Tz::Europe__Helsinki),
    ("estonia", Tz::Europe__Tallinn),
    ("latvia", Tz::Europe__Riga),
    ("lithuania", Tz::Europe__Vilnius),
    ("poland", Tz::Europe__Warsaw),
    ("czech republic", Tz::Europe__Prague),
    ("czechia", Tz::Europe__Prague),
    ("slovakia", Tz::Europe__Bratislava),
    ("austria", Tz::Europe__Vienna),
    ("switzerland", Tz::Europe__Zurich),
    ("hungary", Tz::Europe__Budapest),
    ("romania", Tz::Europe__Bucharest),
    ("bulgaria", Tz::Europe__Sofia),
    ("greece", Tz::Europe__Athens),
    ("turkey", Tz::Europe__Istanbul),
    ("turkiye", Tz::Europe__Istanbul),
    ("croatia", Tz::Europe__Zagreb),
    ("serbia", Tz::Europe__Belgrade),
    ("slovenia", Tz::Europe__Ljubljana),
    ("ukraine", Tz::Europe__Kyiv),
    ("portugal", Tz::Europe__Lisbon),
    ("england", Tz::Europe__London),
    ("scotland", Tz::Europe__London),
    ("wales", Tz::Europe__London),
    ("britain", Tz::Europe__London),
    ("great britain", Tz::Europe__London),
    ("egypt", Tz::Africa__Cairo),
    ("morocco", Tz::Africa__Casablanca),
    ("tunisia", Tz::Africa__Tunis),
    ("algeria", Tz::Africa__Algiers),
    ("ghana", Tz::Africa__Accra),
    ("tanzania", Tz::Africa__Dar_es_Salaam),
    ("uganda", Tz::Africa__Kampala),
    ("rwanda", Tz::Africa__Kigali),
    ("senegal", Tz::Africa__Dakar),
    ("zambia", Tz::Africa__Lusaka),
    ("zimbabwe", Tz::Africa__Harare),
    ("namibia", Tz::Africa__Windhoek),
    ("mozambique", Tz::Africa__Maputo),
    ("botswana", Tz::Africa__Gaborone),
    ("oman", Tz::Asia__Muscat),
    ("qatar", Tz::Asia__Qatar),
    ("bahrain", Tz::Asia__Bahrain),
    ("kuwait", Tz::Asia__Kuwait),
    ("saudi arabia", Tz::Asia__Riyadh),
    ("lebanon", Tz::Asia__Beirut),
    ("israel", Tz::Asia__Jerusalem),
    ("japan", Tz::Asia__Tokyo),
    ("korea", Tz::Asia__Seoul),
    // The same countries as French, Spanish, Portuguese, Italian and German write them, so
    // "Je serai au Japon" and "viajo a Israel" name the place (accents are folded).
    ("japon", Tz::Asia__Tokyo),
    ("giappone", Tz::Asia__Tokyo),
    ("coree", Tz::Asia__Seoul),
    ("corea", Tz::Asia__Seoul),
    ("chine", Tz::Asia__Shanghai),
    ("inde", Tz::Asia__Kolkata),
    ("singapour", Tz::Asia__Singapore),
    ("singapur", Tz::Asia__Singapore),
    ("italie", Tz::Europe__Rome),
    ("italia", Tz::Europe__Rome),
    ("italien", Tz::Europe__Rome),
    ("espagne", Tz::Europe__Madrid),
    ("espana", Tz::Europe__Madrid),
    ("spanien", Tz::Europe__Madrid),
    ("allemagne", Tz::Europe__Berlin),
    ("alemania", Tz::Europe__Berlin),
    ("alemanha", Tz::Europe__Berlin),
    ("germania", Tz::Europe__Berlin),
    ("deutschland", Tz::Europe__Berlin),
    ("frankreich", Tz::Europe__Paris),
    ("francia", Tz::Europe__Paris),
    ("franca", Tz::Europe__Paris),
    ("suisse", Tz::Europe__Zurich),
    ("suiza", Tz::Europe__Zurich),
    ("svizzera", Tz::Europe__Zurich),
    ("schweiz", Tz::Europe__Zurich),
    ("grece", Tz::Europe__Athens),
    ("grecia", Tz::Europe__Athens),
    ("turquie", Tz::Europe__Istanbul),
    ("turquia", Tz::Europe__Istanbul),
    ("egypte", Tz::Africa__Cairo),
    ("egipto", Tz::Africa__Cairo),
    ("maroc", Tz::Africa__Casablanca),
    ("marruecos", Tz::Africa__Casablanca),
    ("kenia", Tz::Africa__Nairobi),
    ("inglaterra", Tz::Europe__London),
    ("angleterre", Tz::Europe__London),
    ("pays-bas", Tz::Europe__Amsterdam),
    ("paises bajos", Tz::Europe__Amsterdam),
    ("japao", Tz::Asia__Tokyo),
    ("iran", Tz::Asia__Tehran),
    ("iraq", Tz::Asia__Baghdad),
    ("pakistan", Tz::Asia__Karachi),
    ("bangladesh", Tz::Asia__Dhaka),
    ("sri lanka", Tz::Asia__Colombo),
    ("nepal", Tz::Asia__Kathmandu),
    ("south korea", Tz::Asia__Seoul),
    ("china", Tz::Asia__Shanghai),
    ("malaysia", Tz::Asia__Kuala_Lumpur),
    ("thailand", Tz::Asia__Bangkok),
    ("vietnam", Tz::Asia__Ho_Chi_Minh),
    ("philippines", Tz::Asia__Manila),
    ("the philippines", Tz::Asia__Manila),
    ("cambodia", Tz::Asia__Phnom_Penh),
    ("peru", Tz::America__Lima),
    ("colombia", Tz::America__Bogota),
    ("argentina", Tz::America__Argentina__Buenos_Aires),
    ("ecuador", Tz::America__Guayaquil),
    ("bolivia", Tz::America__La_Paz),
    ("paraguay", Tz::America__Asuncion),
    ("venezuela", Tz::America__Caracas),
    ("costa rica", Tz::America__Costa_Rica),
    ("panama", Tz::America__Panama),
    ("guatemala", Tz::America__Guatemala),
    ("cuba", Tz::America__Havana),
    ("jamaica", Tz::America__Jamaica),
    ("puerto rico", Tz::America__Puerto_Rico),
    ("tijuana", Tz::America__Tijuana),
    ("brasilia", Tz::America__Sao_Paulo),
    ("puebla", Tz::America__Mexico_City),
    ("annapolis", Tz::America__New_York),
    ("trieste", Tz::Europe__Rome),
    ("lorient", Tz::Europe__Paris),
    ("makkum", Tz::Europe__Amsterdam),
    ("miquelon", Tz::America__Miquelon),
    ("saint pierre", Tz::America__Miquelon),
    ("saint johns", Tz::America__St_Johns),
    ("st johns", Tz::America__St_Johns),
    ("new york", Tz::America__New_York),
    ("brooklyn", Tz::America__New_York),
    ("manhattan", Tz::America__New_York),
    ("azores", Tz::Atlantic__Azores),
    ("ponta delgada", Tz::Atlantic__Azores),
    ("madeira", Tz::Atlantic__Madeira),
    ("funchal", Tz::Atlantic__Madeira),
    ("canary islands", Tz::Atlantic__Canary),
    ("tenerife", Tz::Atlantic__Canary),
    ("las palmas", Tz::Atlantic__Canary),
    ("netherlands", Tz::Europe__Amsterdam),
    ("indonesia", Tz::Asia__Jakarta),
    ("malawi", Tz::Africa__Blantyre),
    ("blantyre", Tz::Africa__Blantyre),
    ("lilongwe", Tz::Africa__Blantyre),
    ("madagascar", Tz::Indian__Antananarivo),
    ("antananarivo", Tz::Indian__Antananarivo),
    ("mauritius", Tz::Indian__Mauritius),
    ("khartoum", Tz::Africa__Khartoum),
    ("douala", Tz::Africa__Douala),
    ("yaounde", Tz::Africa__Douala),
    ("cameroon", Tz::Africa__Douala),
    ("angola", Tz::Africa__Luanda),
    ("kisumu", Tz::Africa__Nairobi),
    ("eldoret", Tz::Africa__Nairobi),
    ("nakuru", Tz::Africa__Nairobi),
    ("kericho", Tz::Africa__Nairobi),
    ("arusha", Tz::Africa__Dar_es_Salaam),
    ("zanzibar", Tz::Africa__Dar_es_Salaam),
    ("entebbe", Tz::Africa__Kampala),
    ("saskatchewan", Tz::America__Regina),
    ("sask", Tz::America__Regina),
    ("quebec", Tz::America__Toronto),
    ("cdmx", Tz::America__Mexico_City),
    ("ciudad de mexico", Tz::America__Mexico_City),
    ("baghdad", Tz::Asia__Baghdad),
    ("queensland", Tz::Australia__Brisbane),
    ("ulaanbaatar", Tz::Asia__Ulaanbaatar),
    ("vladivostok", Tz::Asia__Vladivostok),
    ("guam", Tz::Pacific__Guam),
    ("samoa", Tz::Pacific__Apia),
    ("tonga", Tz::Pacific__Tongatapu),
    ("tahiti", Tz::Pacific__Tahiti),
    ("papeete", Tz::Pacific__Tahiti),
    ("noumea", Tz::Pacific__Noumea),
    ("port moresby", Tz::Pacific__Port_Moresby),
    ("guayaquil", Tz::America__Guayaquil),
    ("tegucigalpa", Tz::America__Tegucigalpa),
    ("managua", Tz::America__Managua),
    ("san salvador", Tz::America__El_Salvador),
    ("santo domingo", Tz::America__Santo_Domingo),
    ("nassau", Tz::America__Nassau),
    ("bermuda", Tz::Atlantic__Bermuda),
    ("barbados", Tz::America__Barbados),
    ("trinidad", Tz::America__Port_of_Spain),
    ("port of spain", Tz::America__Port_of_Spain),
    ("cusco", Tz::America__Lima),
    ("arequipa", Tz::America__Lima),
    ("mendoza", Tz::America__Argentina__Buenos_Aires),
    // Names other languages give cities ("heure d'Édimbourg", "las 16:00 en Edimburgo").
    ("edimbourg", Tz::Europe__London),
    ("edimburgo", Tz::Europe__London),
    ("londres", Tz::Europe__London),
    ("lisbonne", Tz::Europe__Lisbon),
    ("geneve", Tz::Europe__Zurich),
    ("genf", Tz::Europe__Zurich),
    ("bruxelles", Tz::Europe__Brussels),
    ("varsovie", Tz::Europe__Warsaw),
    ("varsovia", Tz::Europe__Warsaw),
    ("wien", Tz::Europe__Vienna),
    ("viena", Tz::Europe__Vienna),
    ("vienne", Tz::Europe__Vienna),
    ("munchen", Tz::Europe__Berlin),
    ("pekin", Tz::Asia__Shanghai),
    ("jerez", Tz::Europe__Madrid),
    ("cadiz", Tz::Europe__Madrid),
    ("nueva york", Tz::America__New_York),
];

/// The city zone named from `word` on (one word or several), and where the name ends.
fn city_at(text: &str, bytes: &[u8], word: &str, word_end: usize) -> Option<(Tz, usize)> {
    // Every word of every email is looked up here: most are no city's first word, and a
    // first word ("the", "new", "la") has few names to try.
    static BY_FIRST_WORD: std::sync::LazyLock<
        std::collections::HashMap<&'static str, Vec<(&'static str, Tz)>>,
    > = std::sync::LazyLock::new(|| {
        let mut map: std::collections::HashMap<&str, Vec<(&str, Tz)>> =
            std::collections::HashMap::new();
        for (name, tz) in CITIES {
            let first = name.split(' ').next().unwrap_or(name);
            map.entry(first).or_default().push((name, *tz));
        }
        map
    });
    // The longest name that matches: "porto alegre" before "porto".
    BY_FIRST_WORD
        .get(word)?
        .iter()
        .filter_map(|(name, tz)| {
            let mut end = word_end;
            for part in name.split(' ').skip(1) {
                // "Saint-Pierre": a hyphen joins the words of a name as a space does.
                let from = if bytes.get(end) == Some(&b'-') {
                    end + 1
                } else {
                    end
                };
                let (s, e) = next_word(bytes, from)
                    .or_else(|| (from > end).then(|| (from, scan_alpha(bytes, from))))?;
                if table_key(&text[s..e]) != part {
                    return None;
                }
                end = e;
            }
            Some((*tz, end))
        })
        .max_by_key(|(_, end)| *end)
}

/// The zone of the city or country named at byte `pos` of `lower` (after spaces and an
/// optional "the"), and where its name ends.
pub fn place_at(lower: &str, pos: usize) -> Option<(Tz, usize)> {
    let bytes = lower.as_bytes();
    let mut i = pos;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    let word_end = scan_alpha(bytes, i);
    let word = table_key(&lower[i..word_end]);
    city_at(lower, bytes, &word, word_end).or_else(|| {
        if word != "the" {
            return None;
        }
        let (s, e) = next_word(bytes, word_end)?;
        city_at(lower, bytes, &table_key(&lower[s..e]), e)
    })
}

/// "Finnish time", "Egyptian time": the adjective of a one-zone country names its zone
/// only with "time" after it; alone it is a language or a nationality ("in German").
const DEMONYMS: &[(&str, Tz)] = &[
    ("algerian", Tz::Africa__Algiers),
    ("argentine", Tz::America__Argentina__Buenos_Aires),
    ("argentinian", Tz::America__Argentina__Buenos_Aires),
    ("austrian", Tz::Europe__Vienna),
    ("bahraini", Tz::Asia__Bahrain),
    ("bangladeshi", Tz::Asia__Dhaka),
    ("belgian", Tz::Europe__Brussels),
    ("bolivian", Tz::America__La_Paz),
    ("brazilian", Tz::America__Sao_Paulo),
    ("bulgarian", Tz::Europe__Sofia),
    ("chilean", Tz::America__Santiago),
    ("chinese", Tz::Asia__Shanghai),
    ("colombian", Tz::America__Bogota),
    ("croatian", Tz::Europe__Zagreb),
    ("cuban", Tz::America__Havana),
    ("cypriot", Tz::Asia__Nicosia),
    ("czech", Tz::Europe__Prague),
    ("danish", Tz::Europe__Copenhagen),
    ("dutch", Tz::Europe__Amsterdam),
    ("ecuadorian", Tz::America__Guayaquil),
    ("egyptian", Tz::Africa__Cairo),
    ("emirati", Tz::Asia__Dubai),
    ("english", Tz::Europe__London),
    ("estonian", Tz::Europe__Tallinn),
    ("ethiopian", Tz::Africa__Addis_Ababa),
    ("filipino", Tz::Asia__Manila),
    ("finnish", Tz::Europe__Helsinki),
    ("french", Tz::Europe__Paris),
    ("german", Tz::Europe__Berlin),
    ("ghanaian", Tz::Africa__Accra),
    ("greek", Tz::Europe__Athens),
    ("guatemalan", Tz::America__Guatemala),
    ("hungarian", Tz::Europe__Budapest),
    ("icelandic", Tz::Atlantic__Reykjavik),
    ("indonesian", Tz::Asia__Jakarta),
    ("iranian", Tz::Asia__Tehran),
    ("iraqi", Tz::Asia__Baghdad),
    ("israeli", Tz::Asia__Jerusalem),
    ("italian", Tz::Europe__Rome),
    ("jamaican", Tz::America__Jamaica),
    ("japanese", Tz::Asia__Tokyo),
    ("jordanian", Tz::Asia__Amman),
    ("kenyan", Tz::Africa__Nairobi),
    ("korean", Tz::Asia__Seoul),
    ("kuwaiti", Tz::Asia__Kuwait),
    ("latvian", Tz::Europe__Riga),
    ("lebanese", Tz::Asia__Beirut),
    ("lithuanian", Tz::Europe__Vilnius),
    ("malaysian", Tz::Asia__Kuala_Lumpur),
    ("maltese", Tz::Europe__Malta),
    ("mexican", Tz::America__Mexico_City),
    ("moroccan", Tz::Africa__Casablanca),
    ("nepalese", Tz::Asia__Kathmandu),
    ("nepali", Tz::Asia__Kathmandu),
    ("nigerian", Tz::Africa__Lagos),
    ("norwegian", Tz::Europe__Oslo),
    ("omani", Tz::Asia__Muscat),
    ("pakistani", Tz::Asia__Karachi),
    ("panamanian", Tz::America__Panama),
    ("paraguayan", Tz::America__Asuncion),
    ("peruvian", Tz::America__Lima),
    ("philippine", Tz::Asia__Manila),
    ("polish", Tz::Europe__Warsaw),
    ("portuguese", Tz::Europe__Lisbon),
    ("qatari", Tz::Asia__Qatar),
    ("romanian", Tz::Europe__Bucharest),
    ("russian", Tz::Europe__Moscow),
    ("saudi", Tz::Asia__Riyadh),
    ("scottish", Tz::Europe__London),
    ("serbian", Tz::Europe__Belgrade),
    ("singaporean", Tz::Asia__Singapore),
    ("slovak", Tz::Europe__Bratislava),
    ("slovenian", Tz::Europe__Ljubljana),
    ("spanish", Tz::Europe__Madrid),
    ("swedish", Tz::Europe__Stockholm),
    ("swiss", Tz::Europe__Zurich),
    ("taiwanese", Tz::Asia__Taipei),
    ("tanzanian", Tz::Africa__Dar_es_Salaam),
    ("thai", Tz::Asia__Bangkok),
    ("tunisian", Tz::Africa__Tunis),
    ("turkish", Tz::Europe__Istanbul),
    ("ugandan", Tz::Africa__Kampala),
    ("ukrainian", Tz::Europe__Kyiv),
    ("uruguayan", Tz::America__Montevideo),
    ("venezuelan", Tz::America__Caracas),
    ("vietnamese", Tz::Asia__Ho_Chi_Minh),
    ("welsh", Tz::Europe__London),
];

/// "Minneapolis, MN | 612-555-0147", "Salt Lake City, UT": the zone of the first line of
/// `text` that reads like a signature's place, a known city alone in its field or followed
/// by a comma (a region, a country). Body sentences ("see you in London") do not count.
pub fn signature_place(text: &str) -> Option<Tz> {
    text.lines()
        .map(|l| l.trim_start_matches(['>', ' ']).trim_end())
        .filter(|l| !l.is_empty() && l.len() <= 80)
        // "Unit 4, Paarden Eiland, Cape Town | +27 21 555 0143": a place is one field of a
        // signature line, split at bars and commas.
        .flat_map(|l| l.split(['|', ',']))
        .find_map(|field| {
            let field = field.trim().to_ascii_lowercase();
            let bytes = field.as_bytes();
            let word_end = scan_alpha(bytes, 0);
            let (tz, end) = city_at(&field, bytes, &table_key(&field[..word_end]), word_end)?;
            field[end..].trim().is_empty().then_some(tz)
        })
        .or_else(|| {
            text.lines()
                .map(|l| l.trim_start_matches(['>', ' ']).trim_end())
                .filter(|l| !l.is_empty() && l.len() <= 80)
                .flat_map(|l| l.split('|'))
                .find_map(state_after_town)
        })
}

/// "Burbank, CA", "Moncton, NB": a US state's or Canadian province's code after a town the
/// city table does not know. The zone most of the state keeps.
fn state_after_town(line: &str) -> Option<Tz> {
    static TOWN_STATE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"^\p{L}[\p{L} .'-]{1,40},\s*([A-Z]{2})(?:\s+\d{5}(?:-\d{4})?|\s+[A-Z]\d[A-Z] ?\d[A-Z]\d)?$")
            .unwrap_or_else(|_| unreachable!())
    });
    let code = TOWN_STATE.captures(line.trim())?.get(1)?.as_str();
    Some(match code {
        "CT" | "DE" | "DC" | "FL" | "GA" | "IN" | "KY" | "ME" | "MD" | "MA" | "MI" | "NH"
        | "NJ" | "NY" | "NC" | "OH" | "PA" | "RI" | "SC" | "VT" | "VA" | "WV" => {
            Tz::America__New_York
        }
        "ON" | "QC" => Tz::America__Toronto,
        "AL" | "AR" | "IL" | "IA" | "KS" | "LA" | "MN" | "MS" | "MO" | "NE" | "ND" | "OK"
        | "SD" | "TN" | "TX" | "WI" => Tz::America__Chicago,
        "MB" => Tz::America__Winnipeg,
        "SK" => Tz::America__Regina,
        "CO" | "ID" | "MT" | "NM" | "UT" | "WY" => Tz::America__Denver,
        "AB" => Tz::America__Edmonton,
        "AZ" => Tz::America__Phoenix,
        "CA" | "NV" | "OR" | "WA" => Tz::America__Los_Angeles,
        "BC" => Tz::America__Vancouver,
        "AK" => Tz::America__Anchorage,
        "HI" => Tz::Pacific__Honolulu,
        "NS" | "NB" | "PE" => Tz::America__Halifax,
        "NL" => Tz::America__St_Johns,
        _ => return None,
    })
}

/// "fly to Salt Lake City on Thursday and be with you at 14:00 local time": the zone of the
/// last city the sentence names as where the meeting is ("in", "to", "at", "visit"), which
/// is what "local time" means there; `None` when it names none.
pub fn place_zone(sentence: &str) -> Option<Tz> {
    let lower = sentence.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        let at_word =
            bytes[i].is_ascii_alphabetic() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !at_word {
            i += 1;
            continue;
        }
        let end = scan_alpha(bytes, i);
        let word = table_key(&lower[i..end]);
        let led = lower[..i]
            .trim_end()
            .rsplit(' ')
            .next()
            .is_some_and(|w| matches!(w, "in" | "to" | "at" | "visit" | "visiting"));
        if led && let Some((tz, e)) = city_at(&lower, bytes, &word, end) {
            found = Some(tz);
            i = e;
            continue;
        }
        i = end;
    }
    found
}

/// Zone names of two words whose first word alone names another zone or none: "Central
/// European Time" is not US Central, "Australian Eastern" not New York.
const MULTIWORD_ZONES: &[(&str, &str, Tz)] = &[
    ("arabia", "standard", Tz::Asia__Riyadh),
    ("arabian", "standard", Tz::Asia__Riyadh),
    ("australian", "central", Tz::Australia__Adelaide),
    ("australian", "eastern", Tz::Australia__Sydney),
    ("australian", "western", Tz::Australia__Perth),
    ("central", "africa", Tz::Africa__Maputo),
    ("central", "african", Tz::Africa__Maputo),
    ("central", "europe", Tz::Europe__Paris),
    ("central", "european", Tz::Europe__Paris),
    ("east", "africa", Tz::Africa__Nairobi),
    ("east", "african", Tz::Africa__Nairobi),
    ("eastern", "europe", Tz::Europe__Athens),
    ("eastern", "european", Tz::Europe__Athens),
    ("india", "standard", Tz::Asia__Kolkata),
    ("west", "africa", Tz::Africa__Lagos),
    ("west", "african", Tz::Africa__Lagos),
    ("western", "australia", Tz::Australia__Perth),
    ("western", "europe", Tz::Europe__Lisbon),
    ("western", "european", Tz::Europe__Lisbon),
];

/// A two-word zone name from `start` (its first word already read as `word`), through any
/// "standard" / "summer" / "daylight" and "time" after it. Only with "time" unless a clock
/// comes just before (`after_time`); these names are not sentence words on their own.
fn multiword_zone_at(
    text: &str,
    start: usize,
    word: &str,
    word_end: usize,
    after_time: bool,
) -> Option<ZoneMention> {
    if !MULTIWORD_ZONES.iter().any(|(w, _, _)| *w == word) {
        return None;
    }
    let bytes = text.as_bytes();
    let (s2, e2) = next_word(bytes, word_end)?;
    let second = table_key(&text[s2..e2]);
    let (_, _, tz) = MULTIWORD_ZONES
        .iter()
        .find(|(w, w2, _)| *w == word && *w2 == second)?;
    let mut end = e2;
    if let Some((s3, e3)) = next_word(bytes, end)
        && matches!(
            table_key(&text[s3..e3]).as_ref(),
            "standard" | "summer" | "daylight"
        )
    {
        end = e3;
    }
    let with_time = skip_time_word(text, end);
    (with_time > end || after_time).then_some(ZoneMention {
        start,
        end: with_time,
        zone: Zone::Iana(*tz),
    })
}

fn zone_for_word(word: &str) -> Option<Zone> {
    let tz = match word {
        "et" | "est" | "edt" | "eastern" => Tz::America__New_York,
        "pt" | "pst" | "pdt" | "pacific" => Tz::America__Los_Angeles,
        "ct" | "cst" | "cdt" | "central" => Tz::America__Chicago,
        "mt" | "mst" | "mdt" | "mountain" => Tz::America__Denver,
        "bst" | "uk" | "british" => Tz::Europe__London,
        "cet" | "cest" => Tz::Europe__Paris,
        "ist" | "indian" => Tz::Asia__Kolkata,
        "jst" | "japan" => Tz::Asia__Tokyo,
        "aest" | "aedt" => Tz::Australia__Sydney,
        "nyc" => Tz::America__New_York,
        "uae" | "gst" | "gulf" => Tz::Asia__Dubai,
        "wat" | "nigeria" => Tz::Africa__Lagos,
        "sgt" => Tz::Asia__Singapore,
        "hkt" | "hk" => Tz::Asia__Hong_Kong,
        "sast" => Tz::Africa__Johannesburg,
        "nzst" | "nzdt" | "nz" => Tz::Pacific__Auckland,
        "brt" | "brasilia" => Tz::America__Sao_Paulo,
        "kst" | "korea" => Tz::Asia__Seoul,
        "hst" => Tz::Pacific__Honolulu,
        "akst" | "akdt" => Tz::America__Anchorage,
        "eat" => Tz::Africa__Nairobi,
        "art" => Tz::America__Argentina__Buenos_Aires,
        "cot" => Tz::America__Bogota,
        "clt" => Tz::America__Santiago,
        "pht" => Tz::Asia__Manila,
        "wib" => Tz::Asia__Jakarta,
        "ict" => Tz::Asia__Bangkok,
        "msk" => Tz::Europe__Moscow,
        "eet" | "eest" => Tz::Europe__Athens,
        "wet" | "west" => Tz::Europe__Lisbon,
        "acst" | "acdt" => Tz::Australia__Adelaide,
        "awst" => Tz::Australia__Perth,
        "irish" => Tz::Europe__Dublin,
        "atlantic" | "adt" => Tz::America__Halifax,
        "ndt" | "nst" | "newfoundland" => Tz::America__St_Johns,
        "pkt" => Tz::Asia__Karachi,
        "npt" => Tz::Asia__Kathmandu,
        "trt" => Tz::Europe__Istanbul,
        "nzt" => Tz::Pacific__Auckland,
        "cat" => Tz::Africa__Maputo,
        "irst" | "irdt" => Tz::Asia__Tehran,
        "aet" => Tz::Australia__Sydney,
        "myt" => Tz::Asia__Kuala_Lumpur,
        "mez" | "mesz" => Tz::Europe__Berlin,
        "alaska" | "alaskan" => Tz::America__Anchorage,
        "hawaiian" => Tz::Pacific__Honolulu,
        _ => return None,
    };
    Some(Zone::Iana(tz))
}

/// Words that name a zone only when followed by "time" ("Eastern time", "London time"):
/// alone they are ordinary words ("central London", "the UK office").
fn needs_time_suffix(word: &str) -> bool {
    matches!(
        word,
        "uk" | "british"
            | "indian"
            | "japan"
            | "nyc"
            | "gulf"
            | "uae"
            | "nigeria"
            | "central"
            | "mountain"
            | "irish"
            | "korea"
            | "brasilia"
            | "atlantic"
            | "newfoundland"
            | "alaska"
            | "alaskan"
            | "nz"
            | "hawaiian"
            | "hk"
    )
}

/// Reads a zone mention starting at byte `pos` of `text` (after optional spaces and an
/// opening parenthesis). Returns `None` when no zone word starts there. Right after a clock
/// time ("4pm Mountain", "10:00 London"), a place-like zone word needs no "time".
pub fn zone_at(text: &str, pos: usize) -> Option<ZoneMention> {
    let head = text[..pos].trim_end_matches([' ', '(']);
    let is_clock = |head: &str| {
        head.ends_with(|c: char| c.is_ascii_digit())
            || head.ends_with("am")
            || head.ends_with("pm")
            || head.ends_with("AM")
            || head.ends_with("PM")
            || head.ends_with("a.m.")
            || head.ends_with("p.m.")
            || head.ends_with("noon")
    };
    // "(11:00 in Tel Aviv)", "5pm in Salt Lake City": a city after a clock and "in" is the
    // city's clock. Only a city: "3pm in central London" names no zone.
    // The same after "a", "en", "em", "à": "le 10:00 a Santiago", "las 9 en Lima".
    if [" in", " a", " en", " em", " à"]
        .iter()
        .filter_map(|w| head.strip_suffix(w))
        .any(|h| is_clock(h.trim_end()))
    {
        let bytes = text.as_bytes();
        let mut i = pos;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let word_end = scan_alpha(bytes, i);
        let word = table_key(&text[i..word_end]);
        let (tz, end) = city_at(text, bytes, &word, word_end)?;
        return Some(ZoneMention {
            start: i,
            end: skip_time_word(text, end),
            zone: Zone::Iana(tz),
        });
    }
    zone_word_at(text, pos, is_clock(head) && !head.ends_with("noon"))
}

fn zone_word_at(text: &str, pos: usize, after_time: bool) -> Option<ZoneMention> {
    let bytes = text.as_bytes();
    let mut i = pos;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'(' || bytes[i] == b'\t') {
        i += 1;
    }
    let start = i;
    let word_end = scan_alpha(bytes, i);
    if word_end == start {
        return None;
    }
    let word = table_key(&text[start..word_end]).into_owned();
    if let Some(m) = multiword_zone_at(text, start, &word, word_end, after_time) {
        return Some(m);
    }
    // "New York time", "NY time"
    if word == "new" {
        let (w2s, w2e) = next_word(bytes, word_end)?;
        if let Some((tz, end)) = city_at(text, bytes, &word, word_end) {
            return with_time_suffix(text, start, end, Zone::Iana(tz), !after_time);
        }
        if text[w2s..w2e].eq_ignore_ascii_case("york") {
            return with_time_suffix(
                text,
                start,
                w2e,
                Zone::Iana(Tz::America__New_York),
                !after_time,
            );
        }
        return None;
    }
    if word == "ny" {
        return with_time_suffix(
            text,
            start,
            word_end,
            Zone::Iana(Tz::America__New_York),
            true,
        );
    }
    if word == "utc" || word == "gmt" || word == "z" && word_end - start == 1 {
        if word == "z" {
            return None;
        }
        let (off, end) = parse_offset(bytes, word_end);
        let zone = match off {
            Some(o) => Zone::Fixed(o),
            // London writes GMT in winter and means London; elsewhere GMT is UTC. A bare
            // GMT/UTC is UTC: the slot is the same instant either way in winter, and a
            // summer "GMT" is more often a literal UTC time than a mis-typed BST.
            None => Zone::Fixed(FixedOffset::east_opt(0)?),
        };
        let end = skip_time_word(text, end);
        return Some(ZoneMention { start, end, zone });
    }
    // "Mexico City time", "Hong Kong time", "Chicago time": a city names its zone when
    // "time" follows, or right after a clock time ("4pm Seattle").
    if let Some((tz, end)) = city_at(text, bytes, &word, word_end) {
        return with_time_suffix(text, start, end, Zone::Iana(tz), !after_time);
    }
    if let Ok(i) = DEMONYMS.binary_search_by(|(d, _)| d.cmp(&word.as_str())) {
        return with_time_suffix(text, start, word_end, Zone::Iana(DEMONYMS[i].1), true);
    }
    let zone = zone_for_word(&word)?;
    // "CAT" is also a machine maker and a scan: a zone only right after a clock.
    if word == "cat" && !after_time {
        return None;
    }
    let required = needs_time_suffix(&word) && !after_time;
    // "ET" must be written as a capitalised abbreviation: "et" alone is too common (French,
    // "et al.") to trust in lower case.
    let original = &text[start..word_end];
    if word.len() <= 4
        && !needs_time_suffix(&word)
        && !matches!(word.as_str(), "eastern" | "pacific")
    {
        let upper = original.bytes().all(|b| b.is_ascii_uppercase());
        if !upper {
            return None;
        }
    }
    with_time_suffix(text, start, word_end, zone, required)
}

fn with_time_suffix(
    text: &str,
    start: usize,
    word_end: usize,
    zone: Zone,
    required: bool,
) -> Option<ZoneMention> {
    let end = skip_time_word(text, word_end);
    if required && end == word_end {
        return None;
    }
    Some(ZoneMention { start, end, zone })
}

/// Skips a following " time" / " Time" (and a closing parenthesis) so the mention covers it.
fn skip_time_word(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = pos;
    if let Some((s, e)) = next_word(bytes, pos)
        && (text[s..e].eq_ignore_ascii_case("time") || text[s..e].eq_ignore_ascii_case("timezone"))
    {
        end = e;
    }
    if end < bytes.len() && bytes[end] == b')' {
        end += 1;
    }
    end
}

/// The end of the word from `i`: ASCII letters and the accented Latin letters of U+00C0 to
/// U+017F ("Bogotá", "Zürich", "Łódź"), so a place written with its accents is one word.
fn scan_alpha(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b if b.is_ascii_alphabetic() => i += 1,
            // U+00D7 and U+00F7 (× and ÷) are the only non-letters there.
            0xC3 if bytes
                .get(i + 1)
                .is_some_and(|&c| (0x80..0xC0).contains(&c) && c != 0x97 && c != 0xB7) =>
            {
                i += 2
            }
            0xC4 | 0xC5 if bytes.get(i + 1).is_some_and(|&c| (0x80..0xC0).contains(&c)) => i += 2,
            _ => break,
        }
    }
    i
}

/// A word as the tables spell it: lower case, accents dropped ("Bogotá" is "bogota").
fn table_key(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() {
        return if word.bytes().any(|b| b.is_ascii_uppercase()) {
            word.to_ascii_lowercase().into()
        } else {
            word.into()
        };
    }
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
            'ç' | 'ć' | 'č' => "c",
            'ď' | 'đ' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
            'ğ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'į' => "i",
            'ł' | 'ľ' | 'ĺ' => "l",
            'ñ' | 'ń' | 'ň' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
            'ř' => "r",
            'ś' | 'š' | 'ş' => "s",
            'ß' => "ss",
            'ť' | 'ţ' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            'æ' => "ae",
            'œ' => "oe",
            'þ' => "th",
            'ð' => "d",
            other => {
                out.push(other);
                continue;
            }
        };
        out.push_str(plain);
    }
    out.into()
}

fn next_word(bytes: &[u8], pos: usize) -> Option<(usize, usize)> {
    let mut i = pos;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if i == pos {
        return None;
    }
    let e = scan_alpha(bytes, i);
    (e > i).then_some((i, e))
}

/// Parses "+2", "-5", "+05:30", "+0530", " +1" after UTC/GMT. Returns the offset (if any)
/// and the byte just past what was consumed.
fn parse_offset(bytes: &[u8], pos: usize) -> (Option<FixedOffset>, usize) {
    let mut i = pos;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if i >= bytes.len() || !(bytes[i] == b'+' || bytes[i] == b'-' || bytes[i] == 0xE2) {
        return (None, pos);
    }
    let (negative, mut j) = match bytes[i] {
        b'+' => (false, i + 1),
        b'-' => (true, i + 1),
        // U+2212 MINUS SIGN (e2 88 92), as typed by some mail clients.
        _ if bytes.get(i..i + 3) == Some(&[0xE2, 0x88, 0x92]) => (true, i + 3),
        _ => return (None, pos),
    };
    let digits_start = j;
    while j < bytes.len() && bytes[j].is_ascii_digit() && j - digits_start < 4 {
        j += 1;
    }
    let digits = &bytes[digits_start..j];
    let (hours, mut minutes, mut end) = match digits.len() {
        1 | 2 => (to_num(digits), 0, j),
        3 => (to_num(&digits[..1]), to_num(&digits[1..]), j),
        4 => (to_num(&digits[..2]), to_num(&digits[2..]), j),
        _ => return (None, pos),
    };
    if digits.len() <= 2
        && j + 2 < bytes.len()
        && bytes[j] == b':'
        && bytes[j + 1].is_ascii_digit()
        && bytes[j + 2].is_ascii_digit()
    {
        minutes = to_num(&bytes[j + 1..j + 3]);
        end = j + 3;
    }
    if hours > 14 || minutes > 59 {
        return (None, pos);
    }
    let secs = (hours * 3600 + minutes * 60) as i32;
    let off = if negative {
        FixedOffset::west_opt(secs)
    } else {
        FixedOffset::east_opt(secs)
    };
    match off {
        Some(o) => (Some(o), end),
        None => (None, pos),
    }
}

fn to_num(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
}

/// Every zone mention in `text`, in order. Used for "all times ET" statements and for zone
/// words that follow a list of times ("Tue at 2 or Wed at 4pm ET").
pub fn all_mentions(text: &str) -> Vec<ZoneMention> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_word_start = bytes[i].is_ascii_alphabetic()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'\''));
        if at_word_start {
            if let Some(m) = zone_at(text, i) {
                // A zone word must end a word too ("ETA", "PTO" are not zones).
                let ok = m.end >= bytes.len() || !bytes[m.end].is_ascii_alphanumeric();
                if ok {
                    out.push(m);
                    i = m.end;
                    continue;
                }
            }
            i = scan_alpha(bytes, i);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn offset_at(zone: &Zone, local: NaiveDateTime) -> Option<FixedOffset> {
        zone.resolve(local).map(|dt| dt.offset().fix())
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, 0))
            .expect("valid test date")
    }

    fn zone_of(text: &str) -> Option<Zone> {
        all_mentions(text).first().map(|m| m.zone)
    }

    #[test]
    fn a_state_code_after_an_unknown_town_names_the_signature_zone() {
        let sig = "Harper Quintanilla-Goh\nVP, Development | Lanternfish Studios\nBurbank, CA";
        assert_eq!(signature_place(sig), Some(Tz::America__Los_Angeles));
        assert_eq!(
            signature_place("Moncton, NB E1C 4M2 | 506-555-0100"),
            Some(Tz::America__Halifax)
        );
        assert_eq!(
            signature_place("Tempe, AZ 85281"),
            Some(Tz::America__Phoenix)
        );
        // Not a code in running text, nor an unknown code.
        assert_eq!(signature_place("We met in Burbank, ca. 2019"), None);
        assert_eq!(signature_place("Springfield, XY"), None);
    }

    fn offset_hours(text: &str, local: NaiveDateTime) -> Option<f64> {
        let z = zone_of(text)?;
        Some(f64::from(offset_at(&z, local)?.local_minus_utc()) / 3600.0)
    }

    #[test]
    fn two_word_zone_names_are_not_their_first_word() {
        let june = at(2026, 6, 16, 10, 0);
        assert_eq!(offset_hours("10am Central European Time", june), Some(2.0));
        assert_eq!(
            offset_hours("10am Central European Summer Time", june),
            Some(2.0)
        );
        assert_eq!(offset_hours("at 10 Eastern European Time", june), Some(3.0));
        assert_eq!(
            offset_hours("10:00 Australian Eastern Standard Time", june),
            Some(10.0)
        );
        assert_eq!(offset_hours("14:00 West Africa Time", june), Some(1.0));
        // Without "time" or a clock before them they are ordinary words.
        assert_eq!(zone_of("our central European warehouse"), None);
    }

    #[test]
    fn places_written_with_their_accents_name_their_zone() {
        let june = at(2026, 6, 16, 10, 0);
        assert_eq!(offset_hours("10am Bogotá time", june), Some(-5.0));
        assert_eq!(offset_hours("10am São Paulo time", june), Some(-3.0));
        assert_eq!(offset_hours("10:00 Zürich time", june), Some(2.0));
        assert_eq!(offset_hours("9:30 in Nouméa", june), Some(11.0));
    }

    #[test]
    fn more_abbreviations_and_adjectives() {
        let jan = at(2027, 1, 12, 10, 0);
        for (text, hours) in [
            ("10am NST", -3.5),
            ("10am PKT", 5.0),
            ("10am NPT", 5.75),
            ("10am IRST", 3.5),
            ("10:00 MEZ", 1.0),
            ("10am AET", 11.0),
            ("10am Brazilian time", -3.0),
            ("10am Mexican time", -6.0),
            ("10am Alaska time", -9.0),
            ("14:00 CAT", 2.0),
        ] {
            assert_eq!(offset_hours(text, jan), Some(hours), "{text}");
        }
        // "CAT" away from a clock is the machine maker, "Alaska" alone a place.
        assert_eq!(zone_of("the CAT excavator"), None);
        assert_eq!(zone_of("our Alaska office"), None);
    }

    #[test]
    fn the_demonym_table_is_sorted_for_binary_search() {
        assert!(DEMONYMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn est_written_in_july_means_new_york_daylight_time() {
        let z = zone_of("3pm EST").expect("zone");
        let dt = z.resolve(at(2026, 7, 15, 15, 0)).expect("instant");
        assert_eq!(dt.offset().local_minus_utc(), -4 * 3600);
        let dt = z.resolve(at(2026, 1, 15, 15, 0)).expect("instant");
        assert_eq!(dt.offset().local_minus_utc(), -5 * 3600);
    }

    #[test]
    fn zone_words_map_to_iana_zones() {
        let cases = [
            ("ET", "America/New_York"),
            ("EDT", "America/New_York"),
            ("PT", "America/Los_Angeles"),
            ("PST", "America/Los_Angeles"),
            ("Pacific", "America/Los_Angeles"),
            ("Pacific time", "America/Los_Angeles"),
            ("CT", "America/Chicago"),
            ("CDT", "America/Chicago"),
            ("Central time", "America/Chicago"),
            ("MT", "America/Denver"),
            ("MST", "America/Denver"),
            ("BST", "Europe/London"),
            ("London time", "Europe/London"),
            ("UK time", "Europe/London"),
            ("CET", "Europe/Paris"),
            ("CEST", "Europe/Paris"),
            ("IST", "Asia/Kolkata"),
            ("JST", "Asia/Tokyo"),
            ("AEST", "Australia/Sydney"),
            ("AEDT", "Australia/Sydney"),
            ("Eastern", "America/New_York"),
            ("New York time", "America/New_York"),
            ("GMT", "UTC"),
            ("UTC", "UTC"),
            ("UTC+2", "UTC+02:00"),
            ("GMT-5", "UTC-05:00"),
            ("UTC+05:30", "UTC+05:30"),
            ("(ET)", "America/New_York"),
            ("Mountain", "America/Denver"),
            ("London", "Europe/London"),
            ("UAE time", "Asia/Dubai"),
            ("Singapore time", "Asia/Singapore"),
        ];
        for (word, name) in cases {
            let z = zone_of(&format!("at 3pm {word} works")).unwrap_or_else(|| panic!("{word}"));
            assert_eq!(z.name(), name, "{word}");
        }
    }

    #[test]
    fn a_city_after_a_clock_and_in_is_its_zone() {
        assert_eq!(
            zone_of("that makes it 4pm in Porto").map(|z| z.name()),
            Some("Europe/Lisbon".to_string())
        );
        assert_eq!(
            zone_of("(10:30 in Salt Lake City)").map(|z| z.name()),
            Some("America/Denver".to_string())
        );
        assert!(zone_of("at 3pm in central London").is_none());
        assert!(zone_of("the office in Porto").is_none());
    }

    #[test]
    fn a_signature_place_names_the_writer_zone() {
        let quoted =
            "Shall we say Monday at 9?\n\nDana\n\nDana Kowalski\nHead of Sales | Atlanta, GA\n";
        assert_eq!(signature_place(quoted), Some(Tz::America__New_York));
        assert_eq!(signature_place("I'll be in Atlanta on Monday at 9."), None);
    }

    #[test]
    fn local_time_is_the_place_the_sentence_goes_to() {
        assert_eq!(
            place_zone("I will be in Minneapolis on Monday, at 9:00 local time"),
            Some(Tz::America__Chicago)
        );
        assert_eq!(place_zone("see you at 9:00 local time"), None);
    }

    #[test]
    fn ordinary_words_are_not_zones() {
        for text in [
            "central London",
            "the UK office",
            "et al.",
            "ETA is noon",
            "PTO on Friday",
            "Tokyo office",
        ] {
            assert!(all_mentions(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn us_and_eu_dst_weeks_differ() {
        // 2026: US springs forward on 8 March, the EU on 29 March.
        let ny = Zone::Iana(Tz::America__New_York);
        let london = Zone::Iana(Tz::Europe__London);
        let d = at(2026, 3, 16, 10, 0);
        let ny_off = offset_at(&ny, d).expect("ny").local_minus_utc();
        let ld_off = offset_at(&london, d).expect("london").local_minus_utc();
        assert_eq!(ny_off, -4 * 3600);
        assert_eq!(ld_off, 0);
        // Four hours apart that week instead of the usual five.
        assert_eq!(ld_off - ny_off, 4 * 3600);
    }

    #[test]
    fn spring_forward_gap_moves_forward_and_fall_back_takes_earlier() {
        let ny = Zone::Iana(Tz::America__New_York);
        let gap = ny.resolve(at(2026, 3, 8, 2, 30)).expect("gap resolves");
        assert_eq!(gap.naive_local(), at(2026, 3, 8, 3, 30));
        let overlap = ny.resolve(at(2026, 11, 1, 1, 30)).expect("overlap");
        assert_eq!(overlap.offset().local_minus_utc(), -4 * 3600);
    }
}
