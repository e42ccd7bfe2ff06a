"""A local stand-in for the Parliament Members API, on 127.0.0.1.

It serves the recorded responses in ``tests/data/members/`` for their ids and,
for any other id, the recorded MP's shape with a generated name ("Test
Member 4519"), so that every member of an imported month can be named. Like
the questions stand-in (``tests/test_fetch_api.py``), it fails requests on
demand: ``members.fail(4519, (503, {}, "Service Unavailable"))``.
"""

import contextlib
import copy
import json
import threading
from collections import defaultdict
from pathlib import Path

from tests.test_fetch_api import ThreadingHTTPServer, _handler_for

RECORDED = Path(__file__).parent / "data" / "members"
MEMBER_PREFIX = "/api/Members/"


def recorded():
    responses = {}
    for path in sorted(RECORDED.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        responses[data["value"]["id"]] = data
    return responses


def generated_name(member_id):
    return f"Test Member {member_id}"


class FakeMembers:
    def __init__(self):
        self.responses = recorded()
        self.template = self.responses[172]
        self.lock = threading.Lock()
        self.requests = []
        self.planned = defaultdict(list)
        self.unknown = set()  # ids answered with 404

    def fail(self, member_id, *responses):
        self.planned[member_id].extend(responses)

    def response_for(self, member_id):
        if member_id in self.responses:
            return self.responses[member_id]
        data = copy.deepcopy(self.template)
        value = data["value"]
        value["id"] = member_id
        value["nameDisplayAs"] = generated_name(member_id)
        value["nameListAs"] = f"Member {member_id}, Test"
        value["latestHouseMembership"]["membershipFrom"] = f"Constituency {member_id}"
        value["latestParty"]["name"] = "Labour"
        return data

    def handle(self, handler):
        path = handler.path.split("?", 1)[0]
        with self.lock:
            self.requests.append((path, dict(handler.headers)))
        if not path.startswith(MEMBER_PREFIX) or not path[len(MEMBER_PREFIX) :].isdigit():
            return 404, {}, "{}"
        member_id = int(path[len(MEMBER_PREFIX) :])
        with self.lock:
            planned = self.planned[member_id].pop(0) if self.planned.get(member_id) else None
        if planned is not None:
            return planned
        if member_id in self.unknown:
            return 404, {}, json.dumps({"title": "Not Found", "status": 404})
        return 200, {}, json.dumps(self.response_for(member_id))


@contextlib.contextmanager
def serving(api):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(api))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def members_standin(settings):
    """The stand-in, with the settings pointing at it and the import hook on."""
    with serving(FakeMembers()) as api:
        settings.PARLIAMENT_MEMBERS_API_BASE_URL = api.base_url
        settings.MEMBERS_SYNC_AFTER_IMPORT = True
        yield api
