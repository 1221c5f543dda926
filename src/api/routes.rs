//! The route table: every operation's method, path and handler, in one
//! place. 404, 405 and the `Allow` header are derived from it.

use std::future::Future;
use std::pin::Pin;

use lambda_http::http::Method;

use super::Call;
use super::error::ApiError;
use super::response::Reply;
use super::{batch, detector, list, member_detectors, members, membership, organization, tags};

pub type Handler = for<'a> fn(Call<'a>) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>>;

pub struct Route {
    pub method: Method,
    /// Segments in braces (`{detectorId}`) are path parameters; a last
    /// one ending in `+` (`{resourceArn+}`) takes the rest of the path,
    /// slashes and all (an ARN that API Gateway decoded).
    pub path: &'static str,
    /// The GuardDuty operation name, for the logs.
    pub operation: &'static str,
    pub handler: Handler,
}

/// An `async fn(Call) -> Reply` as a [`Handler`].
macro_rules! handler {
    ($f:path) => {{
        fn boxed(call: Call<'_>) -> Pin<Box<dyn Future<Output = Reply> + Send + '_>> {
            Box::pin($f(call))
        }
        boxed as Handler
    }};
}

pub static ROUTES: &[Route] = &[
    Route {
        method: Method::POST,
        path: "/invitation/decline",
        operation: "DeclineInvitations",
        handler: handler!(batch::decline),
    },
    Route {
        method: Method::POST,
        path: "/invitation/delete",
        operation: "DeleteInvitations",
        handler: handler!(batch::delete),
    },
    Route {
        method: Method::GET,
        path: "/invitation",
        operation: "ListInvitations",
        handler: handler!(list::invitations),
    },
    Route {
        method: Method::GET,
        path: "/invitation/count",
        operation: "GetInvitationsCount",
        handler: handler!(list::count),
    },
    Route {
        method: Method::GET,
        path: "/detector",
        operation: "ListDetectors",
        handler: handler!(detector::list),
    },
    Route {
        method: Method::POST,
        path: "/detector",
        operation: "CreateDetector",
        handler: handler!(detector::create),
    },
    Route {
        method: Method::GET,
        path: "/detector/{detectorId}",
        operation: "GetDetector",
        handler: handler!(detector::get),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}",
        operation: "UpdateDetector",
        handler: handler!(detector::update),
    },
    Route {
        method: Method::DELETE,
        path: "/detector/{detectorId}",
        operation: "DeleteDetector",
        handler: handler!(detector::delete),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/administrator",
        operation: "AcceptAdministratorInvitation",
        handler: handler!(membership::accept_administrator),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/master",
        operation: "AcceptInvitation",
        handler: handler!(membership::accept_master),
    },
    Route {
        method: Method::GET,
        path: "/detector/{detectorId}/administrator",
        operation: "GetAdministratorAccount",
        handler: handler!(membership::administrator),
    },
    Route {
        method: Method::GET,
        path: "/detector/{detectorId}/master",
        operation: "GetMasterAccount",
        handler: handler!(membership::master),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/administrator/disassociate",
        operation: "DisassociateFromAdministratorAccount",
        handler: handler!(membership::disassociate),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/master/disassociate",
        operation: "DisassociateFromMasterAccount",
        handler: handler!(membership::disassociate),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member",
        operation: "CreateMembers",
        handler: handler!(members::create),
    },
    Route {
        method: Method::GET,
        path: "/detector/{detectorId}/member",
        operation: "ListMembers",
        handler: handler!(members::list),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/invite",
        operation: "InviteMembers",
        handler: handler!(members::invite),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/get",
        operation: "GetMembers",
        handler: handler!(members::get),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/disassociate",
        operation: "DisassociateMembers",
        handler: handler!(members::disassociate),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/delete",
        operation: "DeleteMembers",
        handler: handler!(members::delete),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/start",
        operation: "StartMonitoringMembers",
        handler: handler!(members::start),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/stop",
        operation: "StopMonitoringMembers",
        handler: handler!(members::stop),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/detector/get",
        operation: "GetMemberDetectors",
        handler: handler!(member_detectors::get),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/member/detector/update",
        operation: "UpdateMemberDetectors",
        handler: handler!(member_detectors::update),
    },
    Route {
        method: Method::POST,
        path: "/admin/enable",
        operation: "EnableOrganizationAdminAccount",
        handler: handler!(organization::enable),
    },
    Route {
        method: Method::POST,
        path: "/admin/disable",
        operation: "DisableOrganizationAdminAccount",
        handler: handler!(organization::disable),
    },
    Route {
        method: Method::GET,
        path: "/admin",
        operation: "ListOrganizationAdminAccounts",
        handler: handler!(organization::list_admins),
    },
    Route {
        method: Method::GET,
        path: "/detector/{detectorId}/admin",
        operation: "DescribeOrganizationConfiguration",
        handler: handler!(organization::describe_config),
    },
    Route {
        method: Method::POST,
        path: "/detector/{detectorId}/admin",
        operation: "UpdateOrganizationConfiguration",
        handler: handler!(organization::update_config),
    },
    Route {
        method: Method::GET,
        path: "/organization/statistics",
        operation: "GetOrganizationStatistics",
        handler: handler!(organization::statistics),
    },
    Route {
        method: Method::POST,
        path: "/tags/{resourceArn+}",
        operation: "TagResource",
        handler: handler!(tags::tag),
    },
    Route {
        method: Method::DELETE,
        path: "/tags/{resourceArn+}",
        operation: "UntagResource",
        handler: handler!(tags::untag),
    },
    Route {
        method: Method::GET,
        path: "/tags/{resourceArn+}",
        operation: "ListTagsForResource",
        handler: handler!(tags::list),
    },
];

/// The path parameters of a matched route.
#[derive(Debug, Default)]
pub struct Params<'a>(Vec<(&'static str, &'a str)>);

impl Params<'_> {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// The route for `method` and `path` (stage already dropped), with its
/// parameters.
pub fn find<'a>(method: &Method, path: &'a str) -> Result<(&'static Route, Params<'a>), ApiError> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for route in ROUTES {
        if let Some(params) = matches(route.path, path) {
            if route.method == method {
                return Ok((route, params));
            }
            allowed.push(route.method.as_str());
        }
    }
    if allowed.is_empty() {
        Err(ApiError::NotFound(listing()))
    } else {
        Err(ApiError::MethodNotAllowed(allowed.join(", ")))
    }
}

/// Every route as `METHOD /path`, for the 404 message.
pub fn listing() -> String {
    let routes: Vec<String> = ROUTES
        .iter()
        .map(|route| format!("{} {}", route.method, route.path))
        .collect();
    routes.join(", ")
}

fn matches<'a>(pattern: &'static str, path: &'a str) -> Option<Params<'a>> {
    let mut params = Vec::new();
    let path = path.trim_end_matches('/');
    let mut segments = path.split('/');
    // Where the next segment starts in `path`.
    let mut start = 0;
    for expected in pattern.split('/') {
        let parameter = expected.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
        if let Some(greedy) = parameter.and_then(|p| p.strip_suffix('+')) {
            let rest = path.get(start..).filter(|rest| !rest.is_empty())?;
            params.push((greedy, rest));
            return Some(Params(params));
        }
        let segment = segments.next()?;
        start += segment.len() + 1;
        match parameter {
            Some(name) if !segment.is_empty() => params.push((name, segment)),
            Some(_) => return None,
            None if segment == expected => {}
            None => return None,
        }
    }
    segments.next().is_none().then_some(Params(params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_segment_by_segment_with_named_parameters() {
        let params = matches(
            "/detector/{detectorId}/administrator",
            "/detector/abc/administrator/",
        )
        .expect("matches");
        assert_eq!(params.get("detectorId"), Some("abc"));
        assert!(
            matches(
                "/detector/{detectorId}/administrator",
                "/detector//administrator"
            )
            .is_none()
        );
        assert!(matches("/invitation", "/invitation/decline").is_none());
        assert!(matches("/invitation/decline", "/invitation").is_none());
        assert!(matches("/invitation/decline", "/invitation/decline").is_some());
        let arn = "arn:aws:guardduty:us-east-1:111122223333:detector/abc";
        let path = format!("/tags/{arn}");
        let params = matches("/tags/{resourceArn+}", &path).expect("matches");
        assert_eq!(params.get("resourceArn"), Some(arn));
        assert!(matches("/tags/{resourceArn+}", "/tags/").is_none());
    }

    #[test]
    fn a_known_path_with_another_method_lists_the_allowed_ones() {
        assert!(matches!(
            find(&Method::GET, "/invitation/decline"),
            Err(ApiError::MethodNotAllowed(allow)) if allow == "POST"
        ));
        assert!(matches!(
            find(&Method::POST, "/nothing"),
            Err(ApiError::NotFound(_))
        ));
    }
}
