//! The model on small hand-written histories of the organization's rules,
//! the ones the soak's histories showed it must take.

use guardduty_invitations::domain::MemberAction;
use guardduty_invitations::domain::organization::AutoEnable;
use testkit::linearizable::{Call, Verdict, check};

use super::{Answer, Member, ORG_ADMIN, Op, Own, Tags};

const DETECTOR: &str = "d1";

fn call(op: Op, (invoked, returned): (u64, u64), answer: Answer) -> Call<Op, Answer> {
    Call {
        op,
        invoked,
        returned: Some((returned, answer)),
    }
}

/// The member enrolled under `ALL`, then the delegated administrator's
/// Stop of it (20 to 25), answered `stopped`, with `disable`'s steps (if
/// any) recorded `within` an interval.
fn stop_under_all(disable: &[Op], within: (u64, u64), stopped: Answer) -> Verdict {
    let mut history = vec![
        call(Op::Configure(AutoEnable::All), (0, 1), Answer::Done),
        call(
            Op::Admin(ORG_ADMIN, MemberAction::Create),
            (2, 3),
            Answer::Done,
        ),
        call(Op::Admin(ORG_ADMIN, MemberAction::Stop), (20, 25), stopped),
        call(
            Op::Own(DETECTOR.into(), Own::GetAdministrator),
            (50, 51),
            Answer::Administrator(None),
        ),
    ];
    history.extend(
        disable
            .iter()
            .map(|op| call(op.clone(), within, Answer::Done)),
    );
    check(&Member::with_detector(DETECTOR), &history, 10_000).0
}

const DISABLE: [Op; 3] = [Op::Disable, Op::Finish, Op::Finish];

#[test]
fn a_stop_between_a_disables_start_and_its_ending_is_explained_by_its_steps() {
    let verdict = stop_under_all(&DISABLE, (10, 40), Answer::Done);
    assert_eq!(verdict, Verdict::Linearizable);
}

#[test]
fn a_disable_taken_as_one_step_cannot_explain_it() {
    // Whole before the Stop, the membership is gone; whole after it, the
    // lock refuses it.
    for whole in [(10, 11), (30, 31)] {
        let verdict = stop_under_all(&DISABLE, whole, Answer::Done);
        assert!(
            matches!(verdict, Verdict::NotLinearizable { .. }),
            "{verdict:?}"
        );
        let refused = stop_under_all(&DISABLE, whole, Answer::Refused(String::new()));
        assert_eq!(refused, Verdict::Linearizable, "{whole:?}");
    }
}

#[test]
fn under_all_the_delegated_administrator_cannot_stop_an_organization_member() {
    let refused = Answer::Refused(String::new());
    // Without a Disable the member stays: its administrator is still there.
    let history = [
        call(Op::Configure(AutoEnable::All), (0, 1), Answer::Done),
        call(
            Op::Admin(ORG_ADMIN, MemberAction::Create),
            (2, 3),
            Answer::Done,
        ),
        call(
            Op::Admin(ORG_ADMIN, MemberAction::Stop),
            (20, 25),
            Answer::Done,
        ),
    ];
    let start = Member::with_detector(DETECTOR);
    let verdict = check(&start, &history, 10_000).0;
    assert!(
        matches!(verdict, Verdict::NotLinearizable { .. }),
        "{verdict:?}"
    );
    let mut refused_history = history.to_vec();
    refused_history[2] = call(Op::Admin(ORG_ADMIN, MemberAction::Stop), (20, 25), refused);
    assert_eq!(
        check(&start, &refused_history, 10_000).0,
        Verdict::Linearizable
    );
}

#[test]
fn a_member_learns_its_detector_id_from_an_enrollment_through_the_list() {
    let mut start = Member::with_detector(DETECTOR);
    start.detector = None;
    let history = [
        call(
            Op::Admin(ORG_ADMIN, MemberAction::Create),
            (0, 1),
            Answer::Done,
        ),
        call(
            Op::ListDetectors,
            (2, 3),
            Answer::Detectors(Some("new".into())),
        ),
        call(
            Op::Own("new".into(), Own::DeleteDetector),
            (4, 5),
            Answer::Refused(String::new()),
        ),
        call(
            Op::Own("old".into(), Own::GetDetector),
            (6, 7),
            Answer::Detector(true, Tags::new()),
        ),
    ];
    let verdict = check(&start, &history, 10_000).0;
    // Another ID is refused: what the member's own detector answers does
    // not fit it.
    assert!(
        matches!(verdict, Verdict::NotLinearizable { ref stuck, .. } if stuck == &[3]),
        "{verdict:?}"
    );
    assert_eq!(
        check(&start, &history[..3], 10_000).0,
        Verdict::Linearizable
    );
}
