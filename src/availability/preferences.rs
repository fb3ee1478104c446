//! A user's scheduling preferences (seed `user_preferences`), parsed once into checked values.

use chrono::TimeDelta;
use chrono_tz::Tz;
use serde_json::Value;

use super::error::AvailabilityError;
use super::working_hours::WorkingHours;
use super::zone::parse_zone;

/// At most this many meetings, or this much meeting time, on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DailyCap {
    pub max_meetings: Option<u32>,
    pub max_meeting_time: Option<TimeDelta>,
}

/// Preferences the engine applies. Lengths are non-negative: the setters refuse anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preferences {
    zone: Tz,
    working_hours: WorkingHours,
    buffer: TimeDelta,
    minimum_notice: TimeDelta,
    default_duration: TimeDelta,
    avoid_back_to_back: bool,
    daily_cap: DailyCap,
}

fn minutes(field: &str, value: i64) -> Result<TimeDelta, AvailabilityError> {
    if !(0..=60 * 24 * 366).contains(&value) {
        return Err(AvailabilityError::Preferences(format!(
            "{field} must be 0..=527040 minutes, got {value}"
        )));
    }
    Ok(TimeDelta::minutes(value))
}

fn non_negative(field: &str, value: TimeDelta) -> Result<TimeDelta, AvailabilityError> {
    if value < TimeDelta::zero() {
        return Err(AvailabilityError::Preferences(format!(
            "{field} must not be negative"
        )));
    }
    Ok(value)
}

impl Preferences {
    /// The seed's defaults in `zone`: Mon–Fri 09:00–17:00, 15 min buffer, 60 min meetings,
    /// 1440 min notice, avoid back-to-back, no daily cap.
    pub fn new(zone: Tz) -> Self {
        Self {
            zone,
            working_hours: WorkingHours::standard(),
            buffer: TimeDelta::minutes(15),
            minimum_notice: TimeDelta::minutes(1440),
            default_duration: TimeDelta::minutes(60),
            avoid_back_to_back: true,
            daily_cap: DailyCap::default(),
        }
    }

    /// From the seed's columns: `users.timezone`, `user_preferences.working_hours`,
    /// `buffer_time`, `default_meeting_duration` and `scheduling_preferences`
    /// (`avoid_back_to_back`, `minimum_notice` in minutes, and our additions
    /// `max_meetings_per_day`, `max_meeting_minutes_per_day`). `None` keeps the seed default.
    pub fn from_seed(
        timezone: &str,
        working_hours: Option<&Value>,
        buffer_minutes: Option<i64>,
        default_duration_minutes: Option<i64>,
        scheduling: Option<&Value>,
    ) -> Result<Self, AvailabilityError> {
        let mut prefs = Self::new(parse_zone(timezone)?);
        if let Some(wh) = working_hours {
            prefs.working_hours = WorkingHours::from_json(wh)?;
        }
        if let Some(m) = buffer_minutes {
            prefs.buffer = minutes("buffer_time", m)?;
        }
        if let Some(m) = default_duration_minutes {
            prefs.default_duration = minutes("default_meeting_duration", m)?;
            if prefs.default_duration.is_zero() {
                return Err(AvailabilityError::Preferences(
                    "default_meeting_duration must be positive".into(),
                ));
            }
        }
        if let Some(s) = scheduling {
            let int = |key: &str| -> Result<Option<i64>, AvailabilityError> {
                match s.get(key) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                        AvailabilityError::Preferences(format!("{key} must be an integer, got {v}"))
                    }),
                }
            };
            if let Some(v) = s.get("avoid_back_to_back") {
                prefs.avoid_back_to_back = v.as_bool().ok_or_else(|| {
                    AvailabilityError::Preferences(format!(
                        "avoid_back_to_back must be a boolean, got {v}"
                    ))
                })?;
            }
            if let Some(m) = int("minimum_notice")? {
                prefs.minimum_notice = minutes("minimum_notice", m)?;
            }
            if let Some(n) = int("max_meetings_per_day")? {
                let n = u32::try_from(n).map_err(|_| {
                    AvailabilityError::Preferences(format!(
                        "max_meetings_per_day out of range: {n}"
                    ))
                })?;
                prefs.daily_cap.max_meetings = Some(n);
            }
            if let Some(m) = int("max_meeting_minutes_per_day")? {
                prefs.daily_cap.max_meeting_time = Some(minutes("max_meeting_minutes_per_day", m)?);
            }
        }
        Ok(prefs)
    }

    pub fn with_working_hours(mut self, hours: WorkingHours) -> Self {
        self.working_hours = hours;
        self
    }

    pub fn with_buffer(mut self, buffer: TimeDelta) -> Result<Self, AvailabilityError> {
        self.buffer = non_negative("buffer", buffer)?;
        Ok(self)
    }

    pub fn with_minimum_notice(mut self, notice: TimeDelta) -> Result<Self, AvailabilityError> {
        self.minimum_notice = non_negative("minimum_notice", notice)?;
        Ok(self)
    }

    pub fn with_default_duration(mut self, d: TimeDelta) -> Result<Self, AvailabilityError> {
        if d <= TimeDelta::zero() {
            return Err(AvailabilityError::Preferences(
                "default duration must be positive".into(),
            ));
        }
        self.default_duration = d;
        Ok(self)
    }

    pub fn with_avoid_back_to_back(mut self, avoid: bool) -> Self {
        self.avoid_back_to_back = avoid;
        self
    }

    pub fn with_daily_cap(mut self, cap: DailyCap) -> Result<Self, AvailabilityError> {
        if let Some(t) = cap.max_meeting_time {
            non_negative("max_meeting_time", t)?;
        }
        self.daily_cap = cap;
        Ok(self)
    }

    pub fn zone(&self) -> Tz {
        self.zone
    }
    pub fn working_hours(&self) -> &WorkingHours {
        &self.working_hours
    }
    pub fn buffer(&self) -> TimeDelta {
        self.buffer
    }
    pub fn minimum_notice(&self) -> TimeDelta {
        self.minimum_notice
    }
    pub fn default_duration(&self) -> TimeDelta {
        self.default_duration
    }
    pub fn avoid_back_to_back(&self) -> bool {
        self.avoid_back_to_back
    }
    pub fn daily_cap(&self) -> DailyCap {
        self.daily_cap
    }
}
