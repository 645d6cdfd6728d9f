//! Typed identifiers. The database assigns them (see docs/adr/0002-id-scheme.md); the newtypes
//! keep a `UserId` from being passed where a `WorkspaceId` is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_numbers() {
        let json = serde_json::to_string(&UserId(42)).unwrap();
        assert_eq!(json, "42");
        let back: UserId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, UserId(42));
        assert_eq!("7".parse::<WorkspaceId>().unwrap(), WorkspaceId(7));
    }
}
