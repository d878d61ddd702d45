"""moto_server with resource-level IAM checks for Secrets Manager and Parameter Store.

    python3 moto_resource_policies.py -H 127.0.0.1 -p PORT      # same arguments as moto_server

moto (5.x) evaluates the IAM policies of Secrets Manager and SSM requests against the resource
"*", so a policy that names exact ARNs denies everything, and BatchGetSecretValue returns every
secret it is asked for. This launcher gives those two services the resources AWS authorises
against, and nothing else changes:

- Secrets Manager actions that take a SecretId: the secret's ARN (with its random suffix) when
  the secret exists, else the ARN its name would have without a suffix (so AccessDenied wins
  over ResourceNotFound, as on AWS).
- BatchGetSecretValue: the action itself against "*", then secretsmanager:GetSecretValue for
  every secret in SecretIdList; a secret the caller may not read comes back in Errors with
  ErrorCode AccessDeniedException, the others are returned (AWS's documented behaviour).
- SSM GetParameter/PutParameter/DeleteParameter/GetParameterHistory/LabelParameterVersion: the
  parameter's ARN; GetParameters/DeleteParameters: every named parameter, all of which must be
  allowed; GetParametersByPath: the ARN of the requested path.

Everything moto does when authentication is off (the INITIAL_NO_AUTH_ACTION_COUNT window) is
unchanged.
"""

import json
import sys

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import IAMRequest
from moto.core.exceptions import AccessDeniedError
from moto.secretsmanager.responses import SecretsManagerResponse
from moto.ssm.responses import SimpleSystemManagerResponse
from moto.utilities.utils import get_partition


def enforcing():
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


# --- Secrets Manager ---------------------------------------------------------------------------

SECRET_WIDE_ACTIONS = {"BatchGetSecretValue", "ListSecrets", "CreateSecret", "GetRandomPassword"}


def secret_arn(response, secret_id):
    secret = response.backend.secrets.get(secret_id)
    if secret is not None:
        return secret.arn
    if secret_id.startswith("arn:"):
        return secret_id
    partition = get_partition(response.region)
    return f"arn:{partition}:secretsmanager:{response.region}:{response.current_account}:secret:{secret_id}"


def secrets_resource(self):
    if self._get_action() in SECRET_WIDE_ACTIONS:
        return "*"
    secret_id = self._get_param("SecretId")
    return secret_arn(self, secret_id) if secret_id else "*"


original_batch_get_secret_value = SecretsManagerResponse.batch_get_secret_value


def batch_get_secret_value(self):
    ids = self._get_param("SecretIdList", if_none=[])
    if not enforcing() or not ids:
        return original_batch_get_secret_value(self)
    allowed, denied = [], []
    for secret_id in ids:
        arn = secret_arn(self, secret_id)
        request = IAMRequest(
            account_id=self.current_account, method=self.method, path="/", data=self.data,
            body=self.raw_body, headers=self.headers, action="GetSecretValue",
        )
        try:
            request.check_action_permitted(arn)
            allowed.append(secret_id)
        except AccessDeniedError:
            denied.append({
                "SecretId": secret_id,
                "ErrorCode": "AccessDeniedException",
                "Message": f"User: {request._access_key.arn} is not authorized to perform: "
                           f"secretsmanager:GetSecretValue on resource: {arn}",
            })
    values, errors = [], []
    if allowed:
        values, errors, _ = self.backend.batch_get_secret_value(secret_id_list=allowed)
    return json.dumps({"SecretValues": values, "Errors": errors + denied})


SecretsManagerResponse._determine_resource = secrets_resource
SecretsManagerResponse.batch_get_secret_value = batch_get_secret_value


# --- Parameter Store ---------------------------------------------------------------------------

def parameter_arn(response, name):
    if name.startswith("arn:"):
        return name
    partition = get_partition(response.region)
    path = name if name.startswith("/") else "/" + name
    return f"arn:{partition}:ssm:{response.region}:{response.current_account}:parameter{path}"


def strip_selector(name):
    # "/a/b:3" and "/a/b:label" name the parameter "/a/b".
    if name.startswith("arn:"):
        return name
    return name.rsplit(":", 1)[0] if ":" in name else name


def parameter_resources(self):
    action = self._get_action()
    if action in ("GetParameter", "PutParameter", "DeleteParameter", "GetParameterHistory", "LabelParameterVersion"):
        name = self._get_param("Name")
        return [parameter_arn(self, strip_selector(name))] if name else None
    if action in ("GetParameters", "DeleteParameters"):
        names = self._get_param("Names") or []
        return [parameter_arn(self, strip_selector(name)) for name in names] or None
    if action == "GetParametersByPath":
        path = self._get_param("Path")
        return [parameter_arn(self, path)] if path else None
    return None


original_ssm_authorize = SimpleSystemManagerResponse._authenticate_and_authorize_normal_action


def ssm_authorize(self, resource="*"):
    resources = parameter_resources(self) if enforcing() else None
    if not resources:
        return original_ssm_authorize(self, resource)
    for arn in resources:
        original_ssm_authorize(self, arn)


SimpleSystemManagerResponse._authenticate_and_authorize_normal_action = ssm_authorize


if __name__ == "__main__":
    from moto.server import main

    sys.exit(main())
