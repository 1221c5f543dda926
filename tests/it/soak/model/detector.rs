//! The member's own detector: at most one; every call that names it is
//! refused for any other ID; DeleteDetector is refused while the member is
//! associated; its tags go with it.

use super::{Answer, Detector, Member, Outcome, Own, Tags, could_be};

impl Member {
    /// A call on the detector `id`: refused unless it is the member's
    /// (learnt now, while its ID is not known).
    pub(super) fn own(&self, id: &str, own: &Own) -> Vec<Outcome> {
        let Some(detector) = &self.detector else {
            return vec![self.refused()];
        };
        let mut outcomes = Vec::new();
        for &matching in could_be(detector.id.as_deref(), id) {
            if !matching {
                outcomes.push(self.refused());
                continue;
            }
            let mut learnt = self.clone();
            learnt.detector.as_mut().expect("read above").id = Some(id.to_owned());
            outcomes.extend(learnt.owned(own));
        }
        outcomes
    }

    /// GetDetector, UpdateDetector, DeleteDetector and the tags, on the
    /// member's detector.
    pub(super) fn detector_call(&self, own: &Own) -> Vec<Outcome> {
        let detector = self.detector.as_ref().expect("checked by own");
        let mut after = self.clone();
        let changed = after.detector.as_mut().expect("checked by own");
        match own {
            Own::GetDetector => {
                let answer = Answer::Detector(detector.enabled, detector.tags.clone());
                return vec![(answer, self.clone())];
            }
            Own::ListTags => return vec![(Answer::Tags(detector.tags.clone()), self.clone())],
            Own::UpdateDetector(enabled) => changed.enabled = *enabled,
            Own::Tag(key, value) => {
                changed.tags.insert(key.clone(), value.clone());
            }
            Own::Untag(key) => {
                changed.tags.remove(key);
            }
            Own::DeleteDetector if self.administrator.is_some() => return vec![self.refused()],
            Own::DeleteDetector => after.detector = None,
            Own::Accept(..) | Own::Leave | Own::GetAdministrator => {
                unreachable!("the relationship's, in owned")
            }
        }
        vec![(Answer::Done, after)]
    }

    /// CreateDetector: a new detector, whose ID the answer gives.
    pub(super) fn create_detector(&self, enabled: bool) -> Vec<Outcome> {
        if self.detector.is_some() {
            return vec![self.refused()];
        }
        let mut after = self.clone();
        after.detector = Some(Detector {
            id: None,
            enabled,
            tags: Tags::new(),
        });
        vec![(Answer::Created(String::new()), after)]
    }

    /// ListDetectors: the member's detector's ID, if it has one.
    pub(super) fn list_detectors(&self) -> Outcome {
        let id = self
            .detector
            .as_ref()
            .map(|d| d.id.clone().unwrap_or_default());
        (Answer::Detectors(id), self.clone())
    }
}
