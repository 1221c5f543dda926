//! An administrator's calls, each recorded once per member it names.

use aws_sdk_guardduty::types::{
    AccountDetail, FeatureStatus, MemberFeaturesConfiguration, OrgFeature,
};
use guardduty_invitations::domain::MemberAction;

use super::answers::{Batch, Ended, account_answer, distinct, found_member, record, unprocessed};
use super::clients::{Actor, Recorded};
use super::model::Op;
use crate::support::calls::detector;

/// Sends a batch operation that takes the caller's detector and account
/// IDs, and keeps its unprocessed accounts.
macro_rules! batch {
    ($builder:expr, $detector:expr, $ids:expr) => {
        unprocessed(
            $builder
                .detector_id($detector)
                .set_account_ids(Some($ids))
                .send()
                .await,
            |o| o.unprocessed_accounts(),
        )
    };
}

/// What an administrator's batch call does.
#[derive(Clone, Copy, Debug)]
pub enum Batched {
    Change(MemberAction),
    GetDetectors,
    /// UpdateMemberDetectors, turning S3 data events on.
    UpdateDetectors,
}

impl Actor {
    fn member_ids(&self, members: &[usize]) -> Vec<String> {
        let ids = members.iter().map(|m| self.accounts.members[*m].clone());
        ids.collect()
    }

    /// Each member's answer, recorded as `op` of `name`.
    fn per_member(
        &self,
        members: &[usize],
        (name, op): (&'static str, Op),
        times: (u64, u64),
        answer: impl Fn(&str) -> Result<super::model::Answer, &'static str>,
    ) -> Vec<Recorded> {
        distinct(members)
            .into_iter()
            .map(|member| {
                let account = &self.accounts.members[member];
                record(member, name, op.clone(), times, answer(account))
            })
            .collect()
    }

    pub(super) async fn get_members(&mut self, admin: usize, members: &[usize]) -> Vec<Recorded> {
        let ids = self.member_ids(members);
        let client = self.client();
        let invoked = self.now();
        let sent = client
            .get_members()
            .detector_id(detector(&self.accounts.admins[admin]))
            .set_account_ids(Some(ids))
            .send()
            .await;
        let times = (invoked, self.now());
        let found = Ended::of(sent).map(|o| o.members().to_vec());
        let named = ("GetMembers", Op::GetMember(admin));
        self.per_member(members, named, times, |m| found_member(&found, m))
    }

    /// ListMembers of every status, all its pages: one read of each of the
    /// round's members (a page is a read of the members on it).
    pub(super) async fn list_members(&mut self, admin: usize) -> Vec<Recorded> {
        let client = self.client();
        let invoked = self.now();
        let pages = client
            .list_members()
            .detector_id(detector(&self.accounts.admins[admin]))
            .only_associated("false")
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await;
        let times = (invoked, self.now());
        let found = Ended::of(pages);
        let everyone: Vec<usize> = (0..self.accounts.members.len()).collect();
        let named = ("ListMembers", Op::GetMember(admin));
        self.per_member(&everyone, named, times, |m| found_member(&found, m))
    }

    /// A batch call of `members`: a change of their records, or one of
    /// their detectors (done only for the caller's associated members).
    pub(super) async fn batch_call(
        &mut self,
        admin: usize,
        call: Batched,
        members: &[usize],
    ) -> Vec<Recorded> {
        let ids = self.member_ids(members);
        let detector_id = detector(&self.accounts.admins[admin]);
        let client = self.client();
        let invoked = self.now();
        let (name, sent): (_, Batch) = match call {
            Batched::UpdateDetectors => {
                let feature = MemberFeaturesConfiguration::builder()
                    .name(OrgFeature::S3DataEvents)
                    .status(FeatureStatus::Enabled)
                    .build();
                let builder = client.update_member_detectors().features(feature);
                ("UpdateMemberDetectors", batch!(builder, &detector_id, ids))
            }
            Batched::GetDetectors => {
                let builder = client.get_member_detectors();
                ("GetMemberDetectors", batch!(builder, &detector_id, ids))
            }
            Batched::Change(MemberAction::Create) => {
                let details = ids.iter().map(|m| {
                    let email = format!("{m}@example.com");
                    AccountDetail::builder().account_id(m).email(email).build()
                });
                let sent = client
                    .create_members()
                    .detector_id(&detector_id)
                    .set_account_details(Some(details.collect()))
                    .send()
                    .await;
                let sent = unprocessed(sent, |o| o.unprocessed_accounts());
                ("CreateMembers", sent)
            }
            Batched::Change(MemberAction::Invite) => {
                let builder = client.invite_members();
                ("InviteMembers", batch!(builder, &detector_id, ids))
            }
            Batched::Change(MemberAction::Disassociate) => {
                let builder = client.disassociate_members();
                ("DisassociateMembers", batch!(builder, &detector_id, ids))
            }
            Batched::Change(MemberAction::Delete) => {
                let builder = client.delete_members();
                ("DeleteMembers", batch!(builder, &detector_id, ids))
            }
            Batched::Change(MemberAction::Stop) => {
                let builder = client.stop_monitoring_members();
                ("StopMonitoringMembers", batch!(builder, &detector_id, ids))
            }
            Batched::Change(_) => {
                let builder = client.start_monitoring_members();
                ("StartMonitoringMembers", batch!(builder, &detector_id, ids))
            }
        };
        let times = (invoked, self.now());
        let op = match call {
            Batched::Change(action) => Op::Admin(admin, action),
            _ => Op::MemberDetector(admin),
        };
        self.per_member(members, (name, op), times, |m| account_answer(&sent, m))
    }
}
