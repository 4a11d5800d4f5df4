"""People for the privacy tests: Ada (two silos, different consent) and Byron, who shares her home
and landline but is not her (merge protection keeps them apart; analytics makes them a household)."""
from __future__ import annotations

from tests.conftest import keyed_client

EMAIL, CARD, LANDLINE, MOBILE = "ada.lovelace@example.com", "LC-1815", "+44 117 496 0321", "+44 7700 900123"
HOME = {"streetNumber": "12", "line1": "St James's Square", "locality": "London", "postcode": "SW1Y 4JH",
        "country": "GB", "validFrom": "2020-01-01"}

ADA_CRM = {"source": "crm", "sourceId": "C-1", "observedAt": "2026-01-10T09:00:00Z",
           "collectedFor": "customer service", "consent": {"marketing": True, "analytics": False},
           "name": {"given": "Ada", "family": "Lovelace"}, "birthDate": "1985-12-10",
           "identifiers": [{"type": "email", "value": EMAIL}, {"type": "phone", "value": LANDLINE}],
           "addresses": [HOME], "metrics": {"lifetimeSpend": 1200.0, "tier": "gold"}}
ADA_LOYALTY = {"source": "loyalty", "sourceId": "L-1", "observedAt": "2026-02-01T09:00:00Z",
               "collectedFor": "loyalty programme", "consent": {"analytics": True},
               "name": {"given": "Ada", "family": "Lovelace"}, "birthDate": "1985-12-10", "gender": "F",
               "identifiers": [{"type": "email", "value": EMAIL}, {"type": "loyaltyCard", "value": CARD},
                               {"type": "phone", "value": MOBILE}],
               "employment": [{"company": "Analytical Engines Ltd", "title": "Programmer", "decisionMaker": True}],
               "metrics": {"lifetimeSpend": 300.0, "nightsLastYear": 12, "tier": "platinum"}}
BYRON = {"source": "crm", "sourceId": "C-2", "observedAt": "2026-01-11T09:00:00Z",
         "collectedFor": "customer service", "consent": {"marketing": True},
         "name": {"given": "Byron", "family": "Lovelace"}, "birthDate": "1950-01-22",
         "identifiers": [{"type": "email", "value": "byron@example.com"}, {"type": "phone", "value": LANDLINE}],
         "addresses": [HOME]}


# The Turners: an e-mail and a phone hold three records together, until the events record's update
# drops the e-mail and the person splits.
_TURNER_EMAIL = {"type": "email", "value": "turner.family@example.com"}
_TURNER_PHONE = {"type": "phone", "value": "07700 900222"}
TURNERS = (
    {"source": "crm", "sourceId": "1", "name": {"given": "Alex", "family": "Turner"}, "birthDate": "1979-01-30",
     "identifiers": [_TURNER_EMAIL, _TURNER_PHONE], "observedAt": "2026-01-01T00:00:00Z"},
    {"source": "webshop", "sourceId": "2", "name": {"given": "Alex", "family": "Turner"},
     "identifiers": [_TURNER_PHONE], "observedAt": "2026-01-01T00:00:00Z"},
    {"source": "events", "sourceId": "3", "name": {"family": "Turner"}, "identifiers": [_TURNER_EMAIL],
     "observedAt": "2026-01-01T00:00:00Z"})
TURNER_SPLIT = {"source": "events", "sourceId": "3", "name": {"family": "Turner"},
                "identifiers": [{"type": "phone", "value": "07700 900333"}], "observedAt": "2026-02-01T00:00:00Z"}


def post(client, *records, status: int = 200) -> list[dict]:
    response = client.post("/v1/records", json={"records": list(records)})
    assert response.status_code == status, response.get_json()
    return response.get_json()["results"]


def person_of(client, *records) -> str:
    ids = {r["personId"] for r in post(client, *records)}
    assert len(ids) == 1, ids
    return ids.pop()


def role_client(app, issue_key, role: str):
    return keyed_client(app, issue_key(role))
