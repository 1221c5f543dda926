//! The organization as each member's history sees it: the management
//! account's designation of `ORG_ADMIN`, its configuration's auto-enable
//! with the `ALL` locks, and the scheduled sync, which finishes a Disable
//! and, under `ALL`, enrolls the member.

use guardduty_invitations::domain::MemberStatus;
use guardduty_invitations::domain::organization::AutoEnable;

use super::{Answer, Designation, Member, ORG_ADMIN, Op, Outcome};

impl Member {
    /// The `ALL` locks hold: `ORG_ADMIN` enabled, enrolling every account.
    pub(super) fn locks(&self) -> bool {
        self.designation == Designation::Enabled && self.auto_enable == AutoEnable::All
    }

    /// The member may not leave on its own: an organization member under
    /// the `ALL` locks.
    pub(super) fn leave_locked(&self) -> bool {
        self.administrator == Some(ORG_ADMIN) && self.through_organization && self.locks()
    }

    /// Enable, Disable and ListOrganizationAdminAccounts of `ORG_ADMIN`.
    pub(super) fn designating(&self, op: &Op) -> Vec<Outcome> {
        match (op, self.designation) {
            (Op::Enable, Designation::Disabled) => {
                let mut after = self.clone();
                after.designation = Designation::Enabled;
                // A new administrator starts from NONE.
                after.auto_enable = AutoEnable::None;
                vec![(Answer::Done, after)]
            }
            // The designation in progress first; the memberships and the
            // designation end in the Disable's later steps.
            (Op::Disable, Designation::Enabled | Designation::DisableInProgress) => {
                let mut after = self.clone();
                after.designation = Designation::DisableInProgress;
                vec![(Answer::Done, after)]
            }
            (Op::Finish, Designation::DisableInProgress) => self
                .disabled()
                .into_iter()
                .map(|after| (Answer::Done, after))
                .collect(),
            (Op::Finish, _) => vec![(Answer::Done, self.clone())],
            (Op::ListAdmins, designation) => {
                let listed = (designation != Designation::Disabled).then_some(designation);
                vec![(Answer::Designation(listed), self.clone())]
            }
            _ => vec![self.refused()],
        }
    }

    /// A Disable's ending goes on: the membership through the
    /// organization ended (the record `Removed`) and the designation gone;
    /// or still in progress, with the membership ended or not yet.
    fn disabled(&self) -> [Member; 3] {
        let mut ended = self.clone();
        if self.through_organization && self.administrator == Some(ORG_ADMIN) {
            ended.records[ORG_ADMIN] = Some(MemberStatus::Removed);
            ended.administrator = None;
        }
        let mut gone = ended.clone();
        gone.designation = Designation::Disabled;
        [gone, ended, self.clone()]
    }

    /// `ORG_ADMIN`'s configuration and statistics, done only while it is
    /// enabled; and the sync.
    pub(super) fn configuring(&self, op: &Op) -> Vec<Outcome> {
        let enabled = self.designation == Designation::Enabled;
        match op {
            Op::Sync => self.synced(),
            Op::Describe if enabled => vec![(Answer::AutoEnable(self.auto_enable), self.clone())],
            Op::Configure(auto_enable) if enabled => {
                let mut after = self.clone();
                after.auto_enable = *auto_enable;
                vec![(Answer::Done, after)]
            }
            Op::Statistics if enabled => vec![(Answer::Done, self.clone())],
            _ => vec![self.refused()],
        }
    }

    /// A sync: under `ALL` the member enrolled if it can be. A Disable in
    /// progress it goes on with in its later steps (`Op::Finish`).
    fn synced(&self) -> Vec<Outcome> {
        if self.locks() {
            return vec![(Answer::Done, self.enroll().unwrap_or_else(|| self.clone()))];
        }
        vec![(Answer::Done, self.clone())]
    }
}
