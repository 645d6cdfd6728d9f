//! Integers as JSON Schema counts them: `3` and `3.0` are the same integer there, so a client
//! that writes every number as a float (JavaScript can) is understood. serde alone would
//! refuse `3.0` for an integer field.

use serde::Deserializer;
use serde::de::{Error, Visitor};

/// `v` as an `i64` when it has no fractional part and fits.
pub fn integral(v: f64) -> Option<i64> {
    // Every f64 in this range with no fraction converts exactly.
    const LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53
    (v.fract() == 0.0 && v.abs() <= LIMIT).then_some(v as i64)
}

/// For `#[serde(deserialize_with = "…")]` on a position (0 ≤ n ≤ i64::MAX) body field.
pub fn position<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(Position)
}

struct Position;

impl Visitor<'_> for Position {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a non-negative integer")
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v).map_err(E::custom)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        if v < 0 {
            return Err(E::custom(format!("{v} is negative")));
        }
        Ok(v)
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        let v = integral(v).ok_or_else(|| E::custom(format!("{v} is not an integer")))?;
        self.visit_i64(v)
    }
}

/// For `#[serde(default, deserialize_with = "…")]` on an optional `u32` body field.
pub fn option_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    d.deserialize_option(OptionU32)
}

struct OptionU32;

impl<'de> Visitor<'de> for OptionU32 {
    type Value = Option<u32>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a non-negative integer or null")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
        u32::try_from(v).map(Some).map_err(E::custom)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
        u32::try_from(v).map(Some).map_err(E::custom)
    }

    fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
        let v = integral(v).ok_or_else(|| E::custom(format!("{v} is not an integer")))?;
        self.visit_i64(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "option_u32")]
        n: Option<u32>,
    }

    #[test]
    fn integers_may_be_written_as_floats() {
        let read = |json: &str| serde_json::from_str::<Body>(json).map(|b| b.n).ok();
        assert_eq!(read(r#"{"n": 3}"#), Some(Some(3)));
        assert_eq!(read(r#"{"n": 3.0}"#), Some(Some(3)));
        assert_eq!(read(r#"{"n": null}"#), Some(None));
        assert_eq!(read(r#"{}"#), Some(None));
        assert_eq!(read(r#"{"n": 3.5}"#), None);
        assert_eq!(read(r#"{"n": -1}"#), None);
        assert_eq!(read(r#"{"n": "3"}"#), None);
        let id: crate::UserId = serde_json::from_str("7.0").unwrap();
        assert_eq!(id.0, 7);
        assert!(serde_json::from_str::<crate::UserId>("7.5").is_err());
    }
}
