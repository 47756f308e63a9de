//! Global ids for `node(id:)`: the type name and the UUID, base64-encoded so clients treat
//! them as opaque. Arguments that name one item accept a global id or the plain UUID that
//! REST uses, so ids move freely between the two APIs.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Article,
    Technology,
    Source,
    Asset,
    User,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Article => "Article",
            NodeType::Technology => "Technology",
            NodeType::Source => "Source",
            NodeType::Asset => "Asset",
            NodeType::User => "User",
        }
    }
}

impl From<lectern_domain::Kind> for NodeType {
    fn from(kind: lectern_domain::Kind) -> Self {
        match kind {
            lectern_domain::Kind::Article => NodeType::Article,
            lectern_domain::Kind::Technology => NodeType::Technology,
            lectern_domain::Kind::Source => NodeType::Source,
            lectern_domain::Kind::Asset => NodeType::Asset,
        }
    }
}

impl NodeType {
    /// The content type of a node, if it is content.
    pub fn kind(self) -> Option<lectern_domain::Kind> {
        lectern_domain::Kind::ALL
            .iter()
            .copied()
            .find(|k| NodeType::from(*k) == self)
    }
}

pub fn global_id(ty: NodeType, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", ty.name(), id)))
}

/// Reads a global id back.
pub fn decode(raw: &str) -> Option<(NodeType, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, id) = text.split_once(':')?;
    let ty = [
        NodeType::Article,
        NodeType::Technology,
        NodeType::Source,
        NodeType::Asset,
        NodeType::User,
    ]
    .into_iter()
    .find(|t| t.name() == name)?;
    Some((ty, Uuid::parse_str(id).ok()?))
}

/// The service key (a UUID as text) for an id argument that must name a `ty`.
pub fn key_for(ty: NodeType, raw: &ID) -> async_graphql::Result<String> {
    if let Ok(id) = Uuid::parse_str(raw) {
        return Ok(id.to_string());
    }
    match decode(raw) {
        Some((t, id)) if t == ty => Ok(id.to_string()),
        _ => Err(crate::error::bad_input(
            lectern_service::Code::InvalidId,
            format!("'{}' is not the id of a {}", raw.as_str(), ty.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let id = Uuid::now_v7();
        let g = global_id(NodeType::Technology, id);
        assert_eq!(decode(&g), Some((NodeType::Technology, id)));
        assert_eq!(key_for(NodeType::Technology, &g).unwrap(), id.to_string());
        assert!(key_for(NodeType::Article, &g).is_err());
        assert_eq!(
            key_for(NodeType::Article, &ID(id.to_string())).unwrap(),
            id.to_string()
        );
        for bad in ["", "!!", "QXJ0aWNsZTo", "Zm9vOmJhcg"] {
            assert!(decode(bad).is_none());
        }
    }
}
