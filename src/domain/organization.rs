//! The organization path's vocabulary: the organization as the mirror holds
//! it (its management account, its delegated administrator, its accounts),
//! and the delegated administrator's configuration (auto-enable, features
//! by name, data sources).

use super::AccountId;

/// `autoEnableOrganizationMembers`, and each organization feature's
/// `autoEnable`: which accounts of the organization join on their own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutoEnable {
    /// Accounts that join the organization from now on.
    New,
    /// Every active account of the organization.
    All,
    #[default]
    None,
}

impl AutoEnable {
    pub const ALL_VALUES: [AutoEnable; 3] = [AutoEnable::New, AutoEnable::All, AutoEnable::None];

    pub fn as_str(self) -> &'static str {
        match self {
            AutoEnable::New => "NEW",
            AutoEnable::All => "ALL",
            AutoEnable::None => "NONE",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL_VALUES.into_iter().find(|v| v.as_str() == s)
    }

    /// The deprecated boolean `autoEnable`: true is `NEW`, false `NONE`.
    pub fn from_flag(flag: bool) -> Self {
        if flag {
            AutoEnable::New
        } else {
            AutoEnable::None
        }
    }

    /// What the deprecated boolean says of this value.
    pub fn flag(self) -> bool {
        self != AutoEnable::None
    }
}

/// `ENABLED`, or `DISABLE_IN_PROGRESS` while its organization members
/// are let go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminStatus {
    Enabled,
    DisableInProgress,
}

impl AdminStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminStatus::Enabled => "ENABLED",
            AdminStatus::DisableInProgress => "DISABLE_IN_PROGRESS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [AdminStatus::Enabled, AdminStatus::DisableInProgress]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The organization features a configuration may name (`OrgFeature`).
pub const ORG_FEATURES: [&str; 8] = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
    "AI_PROTECTION",
];
/// Their additional configurations (`OrgFeatureAdditionalConfiguration`).
pub const ORG_ADDITIONAL_CONFIGURATIONS: [&str; 3] = [
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
];
/// The deprecated data sources' `autoEnable` flags, as stored.
pub const ORG_DATA_SOURCES: [&str; 3] = ["s3Logs", "kubernetesAuditLogs", "ebsVolumes"];

/// One feature of the configuration and its additional configurations
/// (`auto_enable` is `None` when only an additional one was ever set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgFeature {
    pub name: String,
    /// `None`: the request left it as it was.
    pub auto_enable: Option<AutoEnable>,
    pub additional: Vec<(String, AutoEnable)>,
}

/// What an UpdateOrganizationConfiguration sets; what it leaves out stays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgConfigUpdate {
    pub auto_enable: Option<AutoEnable>,
    /// `(ORG_DATA_SOURCES name, autoEnable)`.
    pub data_sources: Vec<(&'static str, bool)>,
    pub features: Vec<OrgFeature>,
}

/// The delegated administrator's configuration as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgConfig {
    pub auto_enable: AutoEnable,
    /// Those ever set, by name.
    pub data_sources: Vec<(String, bool)>,
    /// By name, each with its additional configurations by name.
    pub features: Vec<OrgFeature>,
}

/// The organization, as the last sync mirrored it, with its delegated
/// administrator and that administrator's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub management: AccountId,
    pub admin: Option<(AccountId, AdminStatus)>,
    pub config: OrgConfig,
    /// When the sync last finished with the accounts new to the mirror.
    pub enrolled_through: String,
}

impl Organization {
    /// Whether `account` is the delegated administrator, enabled.
    pub fn is_admin(&self, account: &AccountId) -> bool {
        matches!(&self.admin, Some((admin, AdminStatus::Enabled)) if admin == account)
    }
}

/// An account of the organization, as AWS Organizations lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: AccountId,
    pub email: String,
    /// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`.
    pub status: String,
}

impl OrgAccount {
    pub const ACTIVE: &str = "ACTIVE";

    pub fn is_active(&self) -> bool {
        self.status == Self::ACTIVE
    }
}

/// Why an organization operation was refused: GuardDuty's words where
/// they are known (Terraform and AWS's scripts match them), ours where not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgRefusal {
    /// Enable, disable or list administrators by another account than the
    /// organization's management account (or with no organization mirrored).
    NotManagement,
    /// Enable of the account that already is the delegated administrator.
    AlreadyAdmin,
    /// Enable while another account is (or is still leaving as) the
    /// delegated administrator.
    OtherAdmin(AccountId),
    /// Enable of an account that is not an active account of the organization.
    NotInOrganization,
    /// Disable of an account that is not (or no longer) the administrator.
    AlreadyDisabled,
    /// The organization configuration or statistics by another account
    /// than the enabled delegated administrator.
    NotOrgAdmin,
}

impl OrgRefusal {
    pub fn message(&self) -> String {
        match self {
            OrgRefusal::NotManagement => {
                "The request failed because you are not the master account for your AWS \
                 Organization."
                    .into()
            }
            OrgRefusal::AlreadyAdmin => {
                "The request failed because the account is already enabled as the GuardDuty \
                 delegated administrator for the organization."
                    .into()
            }
            OrgRefusal::OtherAdmin(admin) => format!(
                "The request failed because the organization already has a GuardDuty delegated \
                 administrator account, {admin}; disable it first."
            ),
            OrgRefusal::NotInOrganization => {
                "The request failed because adminAccountId is not an active account of the \
                 organization."
                    .into()
            }
            OrgRefusal::AlreadyDisabled => {
                "The request failed because the delegated administrator account has already been \
                 disabled and/or GuardDuty protection has been disabled."
                    .into()
            }
            OrgRefusal::NotOrgAdmin => {
                "The request failed because you do not have required AWS Organization master \
                 permission."
                    .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_enable_round_trips_and_maps_the_deprecated_flag() {
        for value in AutoEnable::ALL_VALUES {
            assert_eq!(AutoEnable::parse(value.as_str()), Some(value));
        }
        assert_eq!(AutoEnable::parse("new"), None);
        assert_eq!(AutoEnable::from_flag(true), AutoEnable::New);
        assert_eq!(AutoEnable::from_flag(false), AutoEnable::None);
        assert!(AutoEnable::All.flag());
        assert!(!AutoEnable::None.flag());
    }
}
