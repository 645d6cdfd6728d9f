"""Schemathesis hooks for fuzzing the OComms API (loaded by scripts/fuzz-api).

Authentication: every request carries a bearer token of the fuzz account. Fuzzing may end
that session (`DELETE /sessions/current`, a revoke); schemathesis then sees 401, asks for a
new token here and replays the request.
"""
import os

import requests
import schemathesis

BASE = os.environ["OCOMMS_FUZZ_URL"]
EMAIL = os.environ["OCOMMS_FUZZ_EMAIL"]
PASSWORD = os.environ["OCOMMS_FUZZ_PASSWORD"]


@schemathesis.auth()
class SessionToken:
    def get(self, case, context):
        response = requests.post(
            f"{BASE}/api/v1/sessions",
            json={"email": EMAIL, "password": PASSWORD, "client_name": "schemathesis"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["token"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
