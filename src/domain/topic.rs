use serde::{Deserialize, Serialize};
use std::fmt;

use super::{DomainError, names::name_key};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct TopicId(pub i64);

impl fmt::Display for TopicId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A short stable handle for a topic ("esd", "make-accessible"):
/// lowercase ASCII letters, digits and dashes, 1..=40 characters.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct TopicSlug(String);

impl TopicSlug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(DomainError::new(
                "slug",
                format!("'{raw}' is not a topic slug (lowercase letters, digits and dashes)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TopicSlug {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TopicSlug> for String {
    fn from(s: TopicSlug) -> Self {
        s.0
    }
}

/// What a topic is: a thematic cluster, or one of the six areas of action of
/// the Guidelines for Building Learning Cities (which carry their order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TopicKind {
    Cluster,
    AreaOfAction { stage: u8 },
}

impl TopicKind {
    pub fn name(&self) -> &'static str {
        match self {
            TopicKind::Cluster => "cluster",
            TopicKind::AreaOfAction { .. } => "area_of_action",
        }
    }

    pub fn parse(name: &str, stage: Option<i64>) -> Result<Self, DomainError> {
        match (name, stage) {
            ("cluster", None) => Ok(TopicKind::Cluster),
            ("area_of_action", Some(s @ 1..=6)) => Ok(TopicKind::AreaOfAction { stage: s as u8 }),
            ("area_of_action", _) => Err(DomainError::new(
                "stage",
                "an area of action has its stage, 1 to 6",
            )),
            ("cluster", Some(_)) => Err(DomainError::new("stage", "a cluster has no stage")),
            (other, _) => Err(DomainError::new(
                "kind",
                format!("'{other}' is not a topic kind (cluster, area_of_action)"),
            )),
        }
    }
}

/// What expertise, needs and offers are about. Topics are data: clusters
/// change between strategy periods.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Topic {
    pub id: TopicId,
    pub slug: TopicSlug,
    pub name: String,
    #[serde(flatten)]
    pub kind: TopicKind,
    /// A cluster of an earlier strategy period that no longer runs.
    pub retired: bool,
    /// Other names the topic is known by (earlier cluster names).
    pub aliases: Vec<String>,
}

impl Topic {
    /// Whether `name` (any case or accent) names this topic.
    pub fn is_named(&self, name: &str) -> bool {
        let key = name_key(name);
        key == name_key(&self.name)
            || key == name_key(self.slug.as_str())
            || self.aliases.iter().any(|a| name_key(a) == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_dashed_words() {
        assert!(TopicSlug::parse("make-accessible").is_ok());
        assert!(TopicSlug::parse("Make Accessible").is_err());
        assert!(TopicSlug::parse("-esd").is_err());
    }

    #[test]
    fn only_areas_of_action_carry_a_stage() {
        assert_eq!(
            TopicKind::parse("area_of_action", Some(3)).unwrap(),
            TopicKind::AreaOfAction { stage: 3 }
        );
        assert!(TopicKind::parse("area_of_action", Some(7)).is_err());
        assert!(TopicKind::parse("cluster", Some(1)).is_err());
    }

    #[test]
    fn a_topic_answers_to_its_old_cluster_name() {
        let topic = Topic {
            id: TopicId(4),
            slug: TopicSlug::parse("planning").unwrap(),
            name: "Planning".into(),
            kind: TopicKind::Cluster,
            retired: false,
            aliases: vec!["Educational Planning, Monitoring and Evaluation".into()],
        };
        assert!(topic.is_named("educational planning monitoring and evaluation"));
        assert!(topic.is_named("PLANNING"));
        assert!(!topic.is_named("Literacy"));
    }
}
