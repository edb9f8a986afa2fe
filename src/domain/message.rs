//! Messages by code: every refusal a person can read has a stable code and
//! its arguments. The JSON API answers with the English text it was built
//! with; the pages look the code up in the reader's language
//! (`messages.<code>` in `src/web/locales/*.toml`), so a French reader sees
//! French. A test checks that every code has a text in every catalogue.

macro_rules! message_codes {
    ($($variant:ident => $key:literal,)*) => {
        /// The stable code of a message a person reads.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum MessageCode {
            $($variant,)*
        }

        impl MessageCode {
            /// Every code, for the catalogue tests.
            pub const ALL: &'static [MessageCode] = &[$(MessageCode::$variant,)*];

            /// The code as it is spelled in the catalogues (`capacity_range`).
            pub fn name(self) -> &'static str {
                match self {
                    $(MessageCode::$variant => $key,)*
                }
            }

            /// Its key in the pages' catalogues (`messages.capacity_range`).
            pub fn key(self) -> &'static str {
                match self {
                    $(MessageCode::$variant => concat!("messages.", $key),)*
                }
            }
        }
    };
}

message_codes! {
    // Anything without a code of its own: the English text as `{detail}`.
    Invalid => "invalid",
    TextRequired => "text_required",
    TextTooLong => "text_too_long",
    NotADate => "not_a_date",
    UnknownTopic => "unknown_topic",
    UnknownLanguage => "unknown_language",
    UnknownModality => "unknown_modality",
    CapacityRange => "capacity_range",
    PriorityRange => "priority_range",
    RatingRange => "rating_range",
    MaxMentorsRange => "max_mentors_range",
    OfferNeedsTopic => "offer_needs_topic",
    OfferNeedsLanguage => "offer_needs_language",
    OfferNeedsModality => "offer_needs_modality",
    OfferEndsBeforeStart => "offer_ends_before_start",
    RequestNeedsTopic => "request_needs_topic",
    RequestTopicTwice => "request_topic_twice",
    RequestNeedsLanguage => "request_needs_language",
    NotAMember => "not_a_member",
    AlreadyAMember => "already_a_member",
    UnknownCity => "unknown_city",
    HolderMoved => "holder_moved",
    SideRequired => "side_required",
    UnknownSide => "unknown_side",
    UnknownMode => "unknown_mode",
    UnknownTier => "unknown_tier",
    BadWeights => "bad_weights",
    UnknownRun => "unknown_run",
    LockNotMentor => "lock_not_mentor",
    LockNotApplicant => "lock_not_applicant",
    LockedAndBanned => "locked_and_banned",
    LockNotCandidate => "lock_not_candidate",
    LocksOverCapacity => "locks_over_capacity",
    LocksOverRequest => "locks_over_request",
}

/// Arguments of a message: `{name}` placeholders and their values.
pub type MessageArgs = Vec<(&'static str, String)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_key() {
        let mut keys: Vec<_> = MessageCode::ALL.iter().map(|c| c.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), MessageCode::ALL.len());
        assert_eq!(MessageCode::CapacityRange.key(), "messages.capacity_range");
    }
}
