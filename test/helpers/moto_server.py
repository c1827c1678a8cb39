"""moto's server, with its IAM enforcement extended to presigned S3 URLs.

moto checks a request's identity and action from its Authorization header; a presigned URL
carries them in its query instead (X-Amz-Credential, X-Amz-Security-Token), and moto answers it
with a 500. Here such a request is held to the same policy check as a signed one: the access key
(or the assumed role's session) named in the query must be allowed the action on the object.
The URL's own signature and expiry are not recomputed (moto computes header signatures only).

DynamoDB requests are served one at a time, as DynamoDB applies each write atomically: moto's
threaded server checks a condition and writes the item in two steps, so five conditional puts
at once could all succeed (seen once IAM checks made each request slower).
"""
import sys
import threading
from urllib.parse import parse_qs, urlparse

from moto.dynamodb.responses import DynamoHandler
from moto.iam import access_control
from moto.server import main

_init = access_control.IAMRequestBase.__init__
_check_signature = access_control.IAMRequestBase.check_signature


def _init_from_query(self, account_id, method, path, data, body, headers, action):
    self._presigned = False
    if "Authorization" not in headers:
        query = parse_qs(urlparse(path).query)
        credential = query.get("X-Amz-Credential", [None])[0]
        if credential:
            headers = {k: v for k, v in headers.items()}
            headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=presigned"
            token = query.get("X-Amz-Security-Token", [None])[0]
            if token:
                headers["X-Amz-Security-Token"] = token
            self._presigned = True
    _init(self, account_id, method, path, data, body, headers, action)


def _check_signature_unless_presigned(self):
    if not self._presigned:
        _check_signature(self)


_dynamodb_lock = threading.Lock()
_dynamodb_call = DynamoHandler.call_action


def _dynamodb_one_at_a_time(self):
    with _dynamodb_lock:
        return _dynamodb_call(self)


DynamoHandler.call_action = _dynamodb_one_at_a_time
access_control.IAMRequestBase.__init__ = _init_from_query
access_control.IAMRequestBase.check_signature = _check_signature_unless_presigned

if __name__ == "__main__":
    main(sys.argv[1:])
