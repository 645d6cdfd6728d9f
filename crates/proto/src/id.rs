//! Typed identifiers. The database assigns them (see docs/adr/0002-id-scheme.md); the newtypes
//! keep a `UserId` from being passed where a `WorkspaceId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IdVisitor).map(Self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

/// Ids arrive as JSON numbers, but as strings when they are object keys (`{"3": 41}`) or
/// come from JavaScript that keeps them as text; both are accepted.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an integer id, as a number or a string")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(E::custom)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        crate::number::integral(v).ok_or_else(|| E::custom(format!("{v} is not an integer id")))
    }
}

id_type!(
    /// A person's account on this server.
    UserId
);
id_type!(
    /// A workspace (a team) on this server.
    WorkspaceId
);
id_type!(
    /// A signed-in browser session or API token.
    SessionId
);
id_type!(
    /// An invitation to join a workspace.
    InvitationId
);
id_type!(
    /// A channel or direct-message conversation.
    ConversationId
);
id_type!(
    /// A message in a conversation.
    MessageId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_numbers() {
        let json = serde_json::to_string(&UserId(42)).unwrap();
        assert_eq!(json, "42");
        let back: UserId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, UserId(42));
        assert_eq!(
            serde_json::from_str::<UserId>("\"42\"").unwrap(),
            UserId(42)
        );
        assert!(serde_json::from_str::<UserId>("\"x\"").is_err());
        assert!(serde_json::from_str::<UserId>("1.5").is_err());
        assert_eq!("7".parse::<WorkspaceId>().unwrap(), WorkspaceId(7));
    }
}
