//! A call's answer, split by the accounts it concerns: done, refused
//! (with its text), a read's value, or unknown (a "retry" text, a 5xx, a
//! timeout), each recorded with when the call was invoked and returned.

use aws_sdk_guardduty::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_guardduty::types::UnprocessedAccount;
use guardduty_invitations::domain::MemberStatus;
use testkit::linearizable::Call;

use super::clients::Recorded;
use super::model::{Answer, Op};

/// How a call ended, before it is split by account.
pub(super) enum Ended<T> {
    Answered(T),
    Refused(String),
    Unknown(&'static str),
}

impl<T> Ended<T> {
    pub(super) fn of<E: ProvideErrorMetadata>(result: Result<T, SdkError<E>>) -> Self {
        match result {
            Ok(output) => Ended::Answered(output),
            Err(SdkError::ServiceError(e)) if e.raw().status().as_u16() < 500 => {
                Ended::Refused(e.err().message().unwrap_or_default().to_owned())
            }
            // DynamoDB still throttling or conflicting after the function's
            // retries: what the soak injects.
            Err(SdkError::ServiceError(e))
                if e.err().message().is_some_and(|m| m.contains("busy")) =>
            {
                Ended::Unknown("busy")
            }
            Err(SdkError::ServiceError(_)) => Ended::Unknown("5xx"),
            Err(_) => Ended::Unknown("timeout"),
        }
    }

    pub(super) fn map<U>(self, f: impl FnOnce(T) -> U) -> Ended<U> {
        match self {
            Ended::Answered(t) => Ended::Answered(f(t)),
            Ended::Refused(text) => Ended::Refused(text),
            Ended::Unknown(how) => Ended::Unknown(how),
        }
    }
}

pub(super) type Batch = Ended<Vec<UnprocessedAccount>>;

/// An account's text that asks for a retry: the change may or may not
/// have been applied.
pub(super) fn says_retry(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("retry this account") || text.contains("an earlier attempt")
}

pub(super) fn unprocessed<O, E: ProvideErrorMetadata>(
    sent: Result<O, SdkError<E>>,
    accounts: impl FnOnce(&O) -> &[UnprocessedAccount],
) -> Batch {
    Ended::of(sent).map(|output| accounts(&output).to_vec())
}

/// What a batch answered for `account`: done unless it is unprocessed.
pub(super) fn account_answer(sent: &Batch, account: &str) -> Result<Answer, &'static str> {
    match sent {
        Ended::Answered(unprocessed) => {
            match unprocessed.iter().find(|a| a.account_id() == Some(account)) {
                None => Ok(Answer::Done),
                Some(a) if says_retry(a.result().unwrap_or_default()) => Err("retry"),
                Some(a) => Ok(Answer::Refused(a.result().unwrap_or_default().to_owned())),
            }
        }
        Ended::Refused(text) => Ok(Answer::Refused(text.clone())),
        Ended::Unknown(how) => Err(how),
    }
}

/// What GetMembers answered for `account`: its status, or not a member.
pub(super) fn found_member(
    found: &Ended<Vec<aws_sdk_guardduty::types::Member>>,
    account: &str,
) -> Result<Answer, &'static str> {
    match found {
        Ended::Answered(members) => {
            let member = members.iter().find(|m| m.account_id() == Some(account));
            match member.and_then(|m| m.relationship_status()) {
                None => Ok(Answer::Member(None)),
                Some(status) => Ok(match MemberStatus::parse(status) {
                    Some(status) => Answer::Member(Some(status)),
                    // Never what the model expects of a read.
                    None => Answer::Unexpected(format!("status {status}")),
                }),
            }
        }
        Ended::Refused(text) => Ok(Answer::Refused(text.clone())),
        Ended::Unknown(how) => Err(how),
    }
}

pub(super) fn whole(ended: Ended<Answer>) -> Result<Answer, &'static str> {
    match ended {
        Ended::Answered(answer) => Ok(answer),
        Ended::Refused(text) => Ok(Answer::Refused(text)),
        Ended::Unknown(how) => Err(how),
    }
}

/// A call whose success is all it answers.
pub(super) fn done<T>(ended: Ended<T>) -> Result<Answer, &'static str> {
    whole(ended.map(|_| Answer::Done))
}

pub(super) fn distinct(members: &[usize]) -> Vec<usize> {
    let mut seen = Vec::new();
    for m in members {
        if !seen.contains(m) {
            seen.push(*m);
        }
    }
    seen
}

pub(super) fn record(
    member: usize,
    operation: &'static str,
    op: Op,
    (invoked, returned): (u64, u64),
    answer: Result<Answer, &'static str>,
) -> Recorded {
    let (outcome, unknown) = match answer {
        Ok(answer) => (Some((returned, answer)), None),
        Err(how) => (None, Some(how)),
    };
    Recorded {
        member,
        operation,
        call: Call {
            op,
            invoked,
            returned: outcome,
        },
        unknown,
        took: returned - invoked,
        step: false,
    }
}

/// An organization-wide call, recorded once for each of the round's
/// `members`, followed by the `steps` it takes after its own (each may
/// take effect anywhere within the call, in that order).
pub(super) fn everyone(
    members: usize,
    (name, op): (&'static str, Op),
    steps: &[Op],
    times: (u64, u64),
    answer: Result<Answer, &'static str>,
) -> Vec<Recorded> {
    let mut recorded = Vec::new();
    for member in 0..members {
        recorded.push(record(member, name, op.clone(), times, answer.clone()));
        for step in steps {
            let mut later = record(member, name, step.clone(), times, answer.clone());
            later.step = true;
            recorded.push(later);
        }
    }
    recorded
}
