"""Make GuardDuty clients sign for ``execute-api``.

boto3 and the AWS CLI sign GuardDuty requests for the service ``guardduty``;
API Gateway's IAM authorization accepts only signatures for ``execute-api``.

boto3::

    client = gd_execute_api.use_execute_api(boto3.client("guardduty", endpoint_url=api_url))

AWS CLI v1: put this module on PYTHONPATH and add to ~/.aws/config::

    [plugins]
    gd_execute_api = gd_execute_api

Needs botocore >= 1.19 (or the AWS CLI's own copy of it); imports nothing.
"""

EXECUTE_API = "execute-api"
_UNIQUE_ID = "gd-execute-api"


def sign_for_execute_api(request, **kwargs):
    """``before-sign`` handler: sign this request for ``execute-api``.

    botocore reads the name from ``request.context["signing"]``; the
    ``signing_name`` keyword it passes is only a copy.
    """
    request.context.setdefault("signing", {})["signing_name"] = EXECUTE_API


def use_execute_api(client):
    """Make this boto3/botocore client sign for ``execute-api``; returns it.

    Only this client changes: others (made before or after) keep their own
    signing name.
    """
    event = "before-sign." + client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(event, sign_for_execute_api, unique_id=_UNIQUE_ID)
    return client


def awscli_initialize(cli):
    """AWS CLI plugin entry point: every ``aws guardduty`` command signs for
    ``execute-api``."""
    cli.register("before-sign.guardduty", sign_for_execute_api, unique_id=_UNIQUE_ID)
