"""Cypher for the person reads: who is this, a person's view, a record, the person list. Parameterised only.

The other topics have a module each beside this one (queries_ingest, queries_explain, queries_analytics,
queries_privacy, queries_access, queries_bulk); queries.py holds only the whole-graph clear.
"""
from __future__ import annotations

PERSON_REDIRECT = """
MATCH (p:Person {personId: $personId})
RETURN p.personId AS personId, p.status AS status, p.mergedInto AS mergedInto
"""

PERSON = """
MATCH (p:Person {personId: $personId})
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p {.*} AS person, collect(r {.*}) AS records
"""

# A person view's whole read in one statement (one round trip instead of five): the person, its
# records, their links to identifiers and companies, the persons merged into it, the customer's
# consent changes on its records, its households and POSSIBLY_SAME links. `person.status` and
# `person.mergedInto` tell the caller to follow a merge or answer 410. properties(x), not x {.*}, inside
# a map literal: ArcadeDB returns such a literal as the projection alone, dropping its other keys; a
# link is therefore a list [record, rel, link, node] (a projection inside a list is kept). The
# datetimes no view shows (createdAt, updatedAt, linkedAt, genericSince) are left out: the driver
# hydrates each in pure Python (~0.1 ms), and they were most of a who-is-this answer's datetimes.
# Every pattern starts from the bound person: ArcadeDB begins `[(old:Person)-[:MERGED_INTO]->(p) | ...]`
# at the labelled end and scans every Person (20 ms a view with 100,000 persons stored, against
# 0.7 ms from p; only Persons are ever MERGED_INTO a Person).
# The datetimes a view does use (RECORD_TEXT_DATETIMES, LINK_TEXT_DATETIMES) travel as ISO text,
# parsed back by graph/store/values.datetimes_from_text: about 20 a who-is-this, which the driver's
# hydration made a quarter of the API's CPU per request (bench/load_whois.py, issue 17).
_PERSON_WHOLE_COLUMNS = """
       p {.*, createdAt: null, updatedAt: null} AS person,
       [(p)<-[:DESCRIBES]-(r:SourceRecord) |
        r {.*, createdAt: null, updatedAt: null, observedAt: toString(r.observedAt)}] AS records,
       [(p)<-[:DESCRIBES]-(r:SourceRecord)-[l]->(n) WHERE n:Identifier OR n:Company |
        [r.recordKey, type(l),
         l {.*, observedAt: toString(l.observedAt), firstObservedAt: toString(l.firstObservedAt),
            mergeRefusedAt: toString(l.mergeRefusedAt)},
         n {.*, createdAt: null, linkedAt: null, genericSince: null}]] AS links,
       [(p)<-[m:MERGED_INTO]-(old) | {personId: old.personId, merge: properties(m)}] AS merges,
       [(p)<-[:DESCRIBES]-(r:SourceRecord)<-[:APPLIES_TO]-(c:ConsentChange) | c {.*, record: r.recordKey}] AS changes,
       [(p)-[m:MEMBER_OF]->(h:Household) |
        h {.householdId, .name, .addressKey, .size, .currentSize, .rule, .analyticsRun, .refreshedAt,
           validFrom: m.validFrom, validTo: m.validTo, current: m.current, evidence: m.evidence}] AS households,
       [(p)-[s:POSSIBLY_SAME]-(o:Person) | s {.*, other: o.personId}] AS possiblySame
"""

PERSON_WHOLE = """
MATCH (p:Person {personId: $personId})
RETURN""" + _PERSON_WHOLE_COLUMNS

# Who is this in one statement (one round trip, not two): who holds the identifier, the holder that
# graph/reads/views.whois would rank first (a live current link - `$today` from the caller, so both
# agree on the date - then the latest observedAt), and that person's PERSON_WHOLE columns. The
# ranking here only picks which person to read: whois ranks the holders itself and reads again in
# the rare case the two differ (ties, a null observedAt), so the answer never depends on it.
# The holders are a pattern comprehension from the one indexed node, not OPTIONAL MATCH + collect:
# ArcadeDB plans the latter several times slower (server CPU 0.5 against 1.1-1.8 ms a lookup).
WHOIS_WHOLE = """
MATCH (i:Identifier {key: $key})
WITH i, [(i)<-[l]-(r:SourceRecord)-[:DESCRIBES]->(p:Person) |
         {personId: p.personId, current: l.current, validTo: l.validTo, observedAt: toString(r.observedAt),
          disputed: l.disputed}] AS holders
WITH i, holders, [h IN holders WHERE h.personId IS NOT NULL AND NOT coalesce(h.disputed, false)] AS live
WITH i, holders, live,
     [h IN live WHERE coalesce(h.current, false) AND (h.validTo IS NULL OR h.validTo >= $today)] AS currentHolders
WITH i, holders, reduce(top = null, h IN CASE WHEN size(currentHolders) > 0 THEN currentHolders ELSE live END |
       CASE WHEN top IS NULL OR coalesce(h.observedAt, '') > coalesce(top.observedAt, '') THEN h ELSE top END)
     AS top
OPTIONAL MATCH (p:Person {personId: top.personId})
RETURN i.key AS key, coalesce(i.generic, false) AS generic, holders,""" + _PERSON_WHOLE_COLUMNS

RECORD_TEXT_DATETIMES = ("observedAt",)
LINK_TEXT_DATETIMES = ("observedAt", "firstObservedAt", "mergeRefusedAt")

PERSON_LINKS = """
MATCH (p:Person {personId: $personId})<-[:DESCRIBES]-(r:SourceRecord)-[l]->(n)
WHERE n:Identifier OR n:Company
RETURN r.recordKey AS record, type(l) AS rel, l {.*} AS link, n {.*} AS node
"""

PERSON_MERGES = """
MATCH (old:Person)-[m:MERGED_INTO]->(p:Person {personId: $personId})
RETURN old.personId AS personId, m {.*} AS merge ORDER BY m.at
"""

RECORD = """
MATCH (r:SourceRecord {recordKey: $key})
OPTIONAL MATCH (r)-[:DESCRIBES]->(p:Person)
RETURN r {.*} AS record, p.personId AS personId
"""

RECORD_LINKS = """
MATCH (r:SourceRecord {recordKey: $key})-[l]->(n)
WHERE n:Identifier OR n:Company
RETURN r.recordKey AS record, type(l) AS rel, l {.*} AS link, n {.*} AS node
"""

PERSONS_PAGE = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.personId > $cursor
WITH p ORDER BY p.personId LIMIT $limit
OPTIONAL MATCH (p)<-[:DESCRIBES]-(r:SourceRecord)
RETURN p.personId AS personId, p.displayName AS name, collect(r.recordKey) AS records
ORDER BY personId
"""
