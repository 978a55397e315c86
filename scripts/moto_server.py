"""moto's AWS emulator, with API Gateway's UpdateIntegration added where moto lacks it.

moto 5 answers UpdateIntegration (PATCH .../integration) with a 500: it has no handler for it. The fix
commands gateway-doctor prints use exactly that call, and a test runs them with the AWS CLI, so this
adds the missing handler: it applies `replace` patch operations to the stored integration, the way
API Gateway does, and answers with the integration. Everything else is moto as shipped.
"""

import json
import sys

from moto.apigateway.responses import APIGatewayResponse

# Patch paths API Gateway accepts on an integration that the test needs, and the stored attribute.
FIELDS = {
    "/timeoutInMillis": ("timeout_in_millis", int),
    "/uri": ("uri", str),
    "/connectionId": ("connection_id", str),
}


def update_integration(self):
    parts = self.path.split("/")
    api_id, resource_id, method = parts[2], parts[4], parts[6]
    integration = self.backend.get_integration(api_id, resource_id, method)
    if integration is None:
        return 404, {}, json.dumps({"message": "Invalid Integration identifier specified"})
    for op in self._get_param("patchOperations") or []:
        field = FIELDS.get(op.get("path"))
        if op.get("op") != "replace" or field is None:
            return 400, {}, json.dumps({"message": f"unsupported patch operation {op}"})
        attribute, kind = field
        setattr(integration, attribute, kind(op.get("value")))
    return 200, {}, json.dumps(integration.to_json())


if not hasattr(APIGatewayResponse, "update_integration"):
    APIGatewayResponse.update_integration = update_integration

from moto.server import main  # noqa: E402  (after the patch, so the server sees it)

if __name__ == "__main__":
    sys.exit(main())
