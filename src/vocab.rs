//! Sala's fixed vocabularies: the columns that hold one of a few words are
//! read and written as these enums, so domain code compares variants, never
//! strings. A leaf module: every domain module may use it, it uses none.
//! Each word is also what the API and the templates see (serde), and the
//! last part of the translation key that names it.

/// An enum stored as one of a few words in a `Text` column.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
            diesel::AsExpression, diesel::FromSqlRow, utoipa::ToSchema,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word stored and shown.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                Self::parse(&text).ok_or_else(|| format!("{} cannot be {text:?}", stringify!($name)).into())
            }
        }
    };
}

text_enum! {
    /// What a thread is (`threads.kind`).
    ThreadKind {
        /// Someone asks; an answer can be accepted.
        Question = "question",
        /// Someone tells what they did and learned; facilitators mark it
        /// ready to distill.
        Experience = "experience",
    }
}

text_enum! {
    /// Where a knowledge item is in its life (`knowledge_items.status`).
    ItemStatus {
        Draft = "draft",
        Published = "published",
        /// A reader reported it outdated, or its review date passed.
        NeedsReview = "needs_review",
        Archived = "archived",
    }
}

text_enum! {
    /// A member's role in a community (`memberships.role`).
    Role {
        Member = "member",
        Facilitator = "facilitator",
    }
}

text_enum! {
    /// How often a subscriber hears from a community (`subscriptions.frequency`).
    Frequency {
        Off = "off",
        Daily = "daily",
        Weekly = "weekly",
    }
}

text_enum! {
    /// Why a member flags a post (`flags.reason`).
    FlagReason {
        Spam = "spam",
        Inappropriate = "inappropriate",
        /// Wrong or dangerous advice.
        WrongAdvice = "wrong-advice",
        OffTopic = "off-topic",
        /// Anything else; a note says what.
        Other = "other",
    }
}

text_enum! {
    /// Where a flag is (`flags.status`).
    FlagStatus {
        Open = "open",
        /// A facilitator acted on the post (hid, deleted, locked).
        Upheld = "upheld",
        /// A facilitator kept or restored the post.
        Dismissed = "dismissed",
    }
}

text_enum! {
    /// How someone contributed to a knowledge item (`knowledge_contributors.role`).
    ContributorRole {
        /// Their words are cited, or opened the thread, or answered it.
        Author = "author",
        Distiller = "distiller",
        /// Revised it, or wrote a suggestion that was accepted.
        Editor = "editor",
    }
}

text_enum! {
    /// A reader's verdict on a knowledge item (`knowledge_feedback.kind`).
    FeedbackKind {
        Helpful = "helpful",
        Outdated = "outdated",
    }
}

text_enum! {
    /// What the review of a knowledge item decided (`knowledge_reviews.outcome`).
    ReviewOutcome {
        /// Still right: trusted until the next review.
        Confirmed = "confirmed",
        /// Brought up to date with a new revision.
        Revised = "revised",
        /// No longer needed.
        Archived = "archived",
    }
}

text_enum! {
    /// Where a suggested edit is (`knowledge_suggestions.status`).
    SuggestionStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
    }
}

text_enum! {
    /// Where a mail is in the outbox (`outbox.status`).
    MailStatus {
        Queued = "queued",
        /// Claimed by one instance under a lease (see `outbox::claim`).
        Sending = "sending",
        Sent = "sent",
        /// Gave up after the last attempt, or a permanent refusal.
        Failed = "failed",
        /// Not sent on purpose: the reader may no longer read its community.
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// Where an invitation to a community stands (`invitations.status`).
    InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
    }
}

text_enum! {
    /// A site-wide role beside admin (`site_roles.role`).
    SiteRole {
        /// Writes the organisation's KM plans and reports on them.
        KmOfficer = "km_officer",
        /// Sits on the KM committee: comments on plans, returns and approves them.
        KmReviewer = "km_reviewer",
    }
}

text_enum! {
    /// Where a KM plan is in its review (`km_plans.status`).
    PlanStatus {
        Draft = "draft",
        /// Waiting for the committee; its writers cannot change it meanwhile.
        Submitted = "submitted",
        /// Sent back with comments to answer.
        Returned = "returned",
        Approved = "approved",
    }
}

text_enum! {
    /// Why a KM scope was chosen: the selection criteria of a Thai KM plan
    /// (`km_scopes.criteria`, one per line).
    ScopeCriterion {
        /// Serves the unit's direction and strategic issues.
        Strategy = "strategy",
        /// Brings a clear, visible improvement.
        VisibleImprovement = "visible_improvement",
        /// Likely to succeed with the people, budget, technology and time at hand.
        LikelySuccess = "likely_success",
        /// Must be done; most staff want it.
        StaffWantIt = "staff_want_it",
        /// The executives support it.
        LeadershipSupport = "leadership_support",
        /// Knowledge that needs managing urgently.
        Urgent = "urgent",
        Other = "other",
    }
}

text_enum! {
    /// Where an activity sits: one of the seven steps of the knowledge
    /// process, or one of the six change-management elements
    /// (`km_activities.step`).
    KmStep {
        Identify = "identify",
        Create = "create",
        Organise = "organise",
        Codify = "codify",
        Access = "access",
        Share = "share",
        Learn = "learn",
        Preparation = "preparation",
        Communication = "communication",
        ProcessTools = "process_tools",
        Learning = "learning",
        Measurement = "measurement",
        Recognition = "recognition",
    }
}

text_enum! {
    /// How far an activity is (`km_activities.status`).
    ActivityStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// What an indicator is computed from (`km_indicators.source`).
    IndicatorSource {
        /// Entered by hand, with a note and proof.
        Manual = "manual",
        /// Knowledge items published in the period with the areas' tags.
        PublishedItems = "published_items",
        /// Knowledge items reviewed in the period.
        ReviewedItems = "reviewed_items",
        /// Questions with the areas' tags answered in the period.
        QuestionsAnswered = "questions_answered",
        /// "I applied this" reports on the areas' knowledge.
        AppliedReports = "applied_reports",
        /// Minutes those reports say were saved.
        MinutesSaved = "minutes_saved",
        /// People who posted in the areas' threads.
        Participants = "participants",
        /// Searches that found nothing and name one of the areas' tags.
        NoResultSearches = "no_result_searches",
    }
}

text_enum! {
    /// A knowledge area's state on the knowledge map.
    AreaStatus {
        /// No knowledge item carries its tags yet.
        None = "none",
        /// Only drafts so far.
        Draft = "draft",
        Published = "published",
        /// Published, but a review date has passed.
        ReviewDue = "review_due",
    }
}

text_enum! {
    /// What a reviewer's comment or a piece of evidence is about.
    PlanPart {
        Plan = "plan",
        Scope = "scope",
        Area = "area",
        Activity = "activity",
        Indicator = "indicator",
    }
}
