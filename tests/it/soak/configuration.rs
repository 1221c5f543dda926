//! The delegated administrator's calls on the organization's
//! configuration and statistics, each recorded once for every member of
//! the round: auto-enable is the whole organization's. The statistics
//! count every round's accounts, so only their bounds are checked here;
//! a count out of them is an answer the model never gives.

use aws_sdk_guardduty::types::AutoEnableMembers;
use guardduty_invitations::domain::organization::AutoEnable;

use super::answers::{Ended, everyone, whole};
use super::clients::{Actor, Choice, DELEGATED_ADMIN, Recorded};
use super::model::{Answer, Op};
use crate::support::calls::detector;

impl Actor {
    pub(super) async fn configuration_call(&mut self, choice: Choice) -> Vec<Recorded> {
        let client = self.client();
        let detector_id = detector(DELEGATED_ADMIN);
        let invoked = self.now();
        let (name, op, answer) = match choice {
            Choice::Describe => {
                let sent = client.describe_organization_configuration();
                let sent = Ended::of(sent.detector_id(detector_id).send().await);
                let answer = sent.map(|o| {
                    let raw = o.auto_enable_organization_members().map(|a| a.as_str());
                    match raw.and_then(AutoEnable::parse) {
                        Some(auto_enable) => Answer::AutoEnable(auto_enable),
                        None => Answer::Unexpected(format!("autoEnable {raw:?}")),
                    }
                });
                ("DescribeOrganizationConfiguration", Op::Describe, answer)
            }
            Choice::Configure(auto_enable) => {
                let members = AutoEnableMembers::from(auto_enable.as_str());
                let sent = client
                    .update_organization_configuration()
                    .detector_id(detector_id)
                    .auto_enable_organization_members(members)
                    .send()
                    .await;
                let answer = Ended::of(sent).map(|_| Answer::Done);
                let op = Op::Configure(auto_enable);
                ("UpdateOrganizationConfiguration", op, answer)
            }
            Choice::Statistics => {
                let sent = Ended::of(client.get_organization_statistics().send().await);
                let organization = self.organization.as_ref().map_or(0, |o| o.1.accounts.len());
                let answer = sent.map(|o| {
                    let stats = o
                        .organization_details()
                        .and_then(|d| d.organization_statistics());
                    let counts = stats.map(|s| {
                        let count = |c: Option<i32>| c.unwrap_or(-1);
                        let total = count(s.total_accounts_count());
                        let members = count(s.member_accounts_count());
                        let enabled = count(s.enabled_accounts_count());
                        (total, members, enabled)
                    });
                    match counts {
                        Some((total, members, enabled))
                            if total as usize == organization
                                && (0..=total).contains(&members)
                                && (0..=members).contains(&enabled) =>
                        {
                            Answer::Done
                        }
                        counts => Answer::Unexpected(format!("statistics {counts:?}")),
                    }
                });
                ("GetOrganizationStatistics", Op::Statistics, answer)
            }
            choice => panic!("the delegated administrator does not make {choice:?}"),
        };
        let times = (invoked, self.now());
        everyone(
            self.accounts.members.len(),
            (name, op),
            &[],
            times,
            whole(answer),
        )
    }
}
