//! A member's calls on its own detector and its tags, each recorded for
//! that member. The member names the detector it last saw: after a
//! DeleteDetector, a stale ID, which the API refuses.

use aws_sdk_guardduty::types::DetectorStatus;

use super::answers::{Ended, done, record, whole};
use super::clients::{Actor, Choice, Recorded};
use super::model::{Answer, Op, Own, Tags};

/// An ID no detector has, for a member that has seen none.
const NONE_SEEN: &str = "00000000000000000000000000000000";
const TAG_KEYS: [&str; 2] = ["team", "stage"];
const TAG_VALUES: [&str; 2] = ["blue", "green"];

impl Actor {
    pub(super) fn detector_id(&self) -> String {
        self.detector.clone().unwrap_or_else(|| NONE_SEEN.into())
    }

    pub(super) async fn detector_call(&mut self, member: usize, choice: Choice) -> Vec<Recorded> {
        let client = self.client();
        let id = self.detector_id();
        let account = &self.accounts.members[member];
        let arn = format!(
            "arn:aws:guardduty:{}:{account}:detector/{id}",
            testkit::REGION
        );
        let key = TAG_KEYS[self.rng.below(TAG_KEYS.len())].to_owned();
        let enable = self.rng.chance(0.5);
        let invoked = self.now();
        let (name, op, answer) = match choice {
            Choice::CreateDetector => {
                let sent = Ended::of(client.create_detector().enable(enable).send().await);
                let answer = whole(sent.map(|o| {
                    let created = o.detector_id().unwrap_or_default().to_owned();
                    self.detector = Some(created.clone());
                    Answer::Created(created)
                }));
                ("CreateDetector", Op::CreateDetector(enable), answer)
            }
            Choice::ListDetectors => {
                let sent = Ended::of(client.list_detectors().send().await);
                let answer = whole(sent.map(|o| match o.detector_ids() {
                    [] => Answer::Detectors(None),
                    [one] => {
                        self.detector = Some(one.clone());
                        Answer::Detectors(Some(one.clone()))
                    }
                    many => Answer::Unexpected(format!("detectors {many:?}")),
                }));
                ("ListDetectors", Op::ListDetectors, answer)
            }
            Choice::GetDetector => {
                let sent = Ended::of(client.get_detector().detector_id(&id).send().await);
                let answer = whole(sent.map(|o| {
                    let enabled = o.status() == Some(&DetectorStatus::Enabled);
                    Answer::Detector(enabled, tags(o.tags()))
                }));
                ("GetDetector", Op::Own(id, Own::GetDetector), answer)
            }
            Choice::UpdateDetector => {
                let sent = client.update_detector().detector_id(&id).enable(enable);
                let answer = done(Ended::of(sent.send().await));
                let op = Op::Own(id, Own::UpdateDetector(enable));
                ("UpdateDetector", op, answer)
            }
            Choice::DeleteDetector => {
                let sent = client.delete_detector().detector_id(&id).send().await;
                let answer = done(Ended::of(sent));
                ("DeleteDetector", Op::Own(id, Own::DeleteDetector), answer)
            }
            Choice::Tag => {
                let value = TAG_VALUES[self.rng.below(TAG_VALUES.len())];
                let sent = client.tag_resource().resource_arn(arn).tags(&key, value);
                let answer = done(Ended::of(sent.send().await));
                let op = Op::Own(id, Own::Tag(key, value.into()));
                ("TagResource", op, answer)
            }
            Choice::Untag => {
                let sent = client.untag_resource().resource_arn(arn).tag_keys(&key);
                let answer = done(Ended::of(sent.send().await));
                ("UntagResource", Op::Own(id, Own::Untag(key)), answer)
            }
            Choice::ListTags => {
                let sent = client.list_tags_for_resource().resource_arn(arn);
                let sent = Ended::of(sent.send().await);
                let answer = whole(sent.map(|o| Answer::Tags(tags(o.tags()))));
                ("ListTagsForResource", Op::Own(id, Own::ListTags), answer)
            }
            choice => panic!("a member does not make {choice:?}"),
        };
        let returned = self.now();
        vec![record(member, name, op, (invoked, returned), answer)]
    }
}

fn tags(tags: Option<&std::collections::HashMap<String, String>>) -> Tags {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
