"""Cypher for relationships and influence: social edges, companies, households, colleagues, scores.

Parameterised only. Where a label, type or sort key must vary, each choice is its own constant.
Labels are given in CREATE/MERGE, never SET on an existing node (ArcadeDB copies the node then).
"""
from __future__ import annotations

from graph.analytics.social_rank import SOCIAL_EDGE_TYPES

# Any social edge between two handles, as a relationship type pattern: 'FOLLOWS|MENTIONS'.
_SOCIAL_EDGE = "|".join(SOCIAL_EDGE_TYPES)

SCHEMA = (
    "CREATE CONSTRAINT household_id_unique IF NOT EXISTS FOR (h:Household) REQUIRE h.householdId IS UNIQUE",
    "CREATE CONSTRAINT analytics_run_id_unique IF NOT EXISTS FOR (r:AnalyticsRun) REQUIRE r.runId IS UNIQUE",
    "CREATE INDEX household_address_key IF NOT EXISTS FOR (h:Household) ON (h.addressKey)",
    "CREATE INDEX email_domain IF NOT EXISTS FOR (n:Email) ON (n.domain)",
    "CREATE INDEX person_value_score IF NOT EXISTS FOR (p:Person) ON (p.valueScore)",
    "CREATE INDEX person_reach IF NOT EXISTS FOR (p:Person) ON (p.reach)",
    "CREATE INDEX person_priority_score IF NOT EXISTS FOR (p:Person) ON (p.priorityScore)",
)

# --- ingest: identifiers merge protection refused to merge on ---------------------------------

MARK_MERGE_REFUSED = """
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
SET i.mergeRefused = $rule, i.mergeRefusedAt = coalesce(i.mergeRefusedAt, datetime())
"""

# --- social edges -----------------------------------------------------------------------------

UPSERT_HANDLES = """
UNWIND $handles AS h
MERGE (n:Identifier:SocialHandle {key: h.key})
ON CREATE SET n.kind = 'social', n.value = h.value, n.platform = h.platform, n.handle = h.handle,
              n.createdAt = datetime()
"""

_EDGE = """
UNWIND $edges AS e
MATCH (a:Identifier {key: e.from})
MATCH (b:Identifier {key: e.to})
WITH a, b, e, EXISTS { (a)-[:{type}]->(b) } AS existed
MERGE (a)-[f:{type}]->(b)
ON CREATE SET f.firstSeen = e.observedAt, f.source = e.source, f.createdAt = datetime()
SET f.lastSeen = CASE WHEN f.lastSeen IS NULL OR e.observedAt > f.lastSeen THEN e.observedAt ELSE f.lastSeen END,
    f.firstSeen = CASE WHEN e.observedAt < f.firstSeen THEN e.observedAt ELSE f.firstSeen END
RETURN sum(CASE WHEN existed THEN 0 ELSE 1 END) AS created
"""
MERGE_EDGE = {edge_type: _EDGE.replace("{type}", edge_type) for edge_type in SOCIAL_EDGE_TYPES}

# --- companies --------------------------------------------------------------------------------

UPSERT_COMPANIES = """
UNWIND $companies AS c
MERGE (n:Company {companyKey: c.companyKey})
ON CREATE SET n.name = c.name, n.createdAt = datetime()
"""

PARENT_CYCLES = """
UNWIND $links AS l
MATCH path = (:Company {companyKey: l.parent})-[:SUBSIDIARY_OF*1..10]->(:Company {companyKey: l.child})
WHERE all(s IN relationships(path) WHERE s.current)
RETURN DISTINCT l.child AS child
"""

LINK_PARENTS = """
UNWIND $links AS l
MATCH (c:Company {companyKey: l.child})
MATCH (p:Company {companyKey: l.parent})
OPTIONAL MATCH (c)-[old:SUBSIDIARY_OF {current: true}]->(other:Company)
WHERE other.companyKey <> l.parent
SET old.current = false, old.validTo = date()
WITH DISTINCT c, p, l
MERGE (c)-[s:SUBSIDIARY_OF {current: true}]->(p)
ON CREATE SET s.createdAt = datetime()
SET s.source = l.source, s.observedAt = l.observedAt
"""

COMPANY_FACTS = """
UNWIND $companyKeys AS ck
MATCH (c:Company {companyKey: ck})
OPTIONAL MATCH (c)<-[w:WORKS_AT {current: true}]-(:SourceRecord)-[:DESCRIBES]->(e:Person)
WHERE e.status = 'active' AND (w.validTo IS NULL OR w.validTo >= date())
WITH c, collect(DISTINCT e) AS staff
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF {current: true}]->(parent:Company)
RETURN c.companyKey AS companyKey, c.name AS name, size(staff) AS knownEmployees,
       [e IN staff | [(e)<-[:DESCRIBES]-(r:SourceRecord) | r.lifetimeSpend]] AS spends,
       parent.companyKey AS parentKey, parent.name AS parentName
"""

COMPANIES_PAGE = """
MATCH (c:Company)
WHERE c.companyKey > $cursor
WITH c ORDER BY c.companyKey LIMIT $limit
RETURN c.companyKey AS companyKey
"""

WRITE_COMPANY_FACTS = """
UNWIND $rows AS row
MATCH (c:Company {companyKey: row.companyKey})
SET c.knownEmployees = row.knownEmployees, c.knownSpend = row.knownSpend, c.analyticsRun = $runId
"""

# --- relationships of a set of persons --------------------------------------------------------

PERSON_NAMES = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
RETURN p.personId AS personId, p.displayName AS name, p.status AS status
"""

ADDRESSES_OF = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_ADDRESS]->(a:Address)
RETURN DISTINCT a.key AS addressKey
"""

# Every holding of each address, by active persons: the residents households are derived from. A
# holding its person disputed (graph/stewardship/feedback.py) makes no one a resident. Pattern
# comprehensions here and below, not OPTIONAL MATCH + collect: the largest read of a refresh
# (households_at) and ArcadeDB plans the comprehension faster.
RESIDENTS = """
UNWIND $addressKeys AS ak
MATCH (a:Identifier {key: ak})
RETURN ak AS addressKey, a {.streetNumber, .street, .locality, .postcode} AS address,
       [(a)<-[l:HAS_ADDRESS]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
        WHERE p.status = 'active' AND NOT coalesce(l.disputed, false) |
        {personId: p.personId, validFrom: l.validFrom, validTo: l.validTo}] AS holdings
"""

# What co-residents may share: family names, current phones and devices (never generic ones);
# duplicates and nulls are dropped by the reader (graph/relationships/network.py).
HOUSEHOLD_FACTS = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
RETURN pid AS personId, [(p)<-[:DESCRIBES]-(r:SourceRecord) | r.familyKey] AS familyKeys,
       [(p)<-[:DESCRIBES]-(:SourceRecord)-[l:HAS_PHONE|USED_DEVICE {current: true}]->(i:Identifier)
        WHERE NOT coalesce(i.generic, false) |
        {key: i.key, kind: i.kind, validTo: l.validTo, mergeRefused: i.mergeRefused}] AS identifiers
"""

SHARED_IDENTIFIERS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[l:HAS_PHONE|USED_DEVICE {current: true}]->(i:Identifier)
WHERE NOT coalesce(i.generic, false)
MATCH (i)<-[l2:HAS_PHONE|USED_DEVICE {current: true}]-(:SourceRecord)-[:DESCRIBES]->(o:Person)
WHERE o.status = 'active' AND o.personId <> pid
RETURN pid AS personId, o.personId AS other, i.key AS key, i.kind AS kind, i.mergeRefused AS mergeRefused,
       l.validFrom AS validFrom, l.validTo AS validTo, l2.validFrom AS otherFrom, l2.validTo AS otherTo
LIMIT $cap
"""

JOBS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(r:SourceRecord)-[w:WORKS_AT {current: true}]->(c:Company)
WHERE w.validTo IS NULL OR w.validTo >= date()
RETURN pid AS personId, c.companyKey AS companyKey, c.name AS company, w.title AS title,
       coalesce(w.decisionMaker, false) AS decisionMaker, w.validFrom AS validFrom, r.recordKey AS record
"""

SAME_EMPLOYER = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[w:WORKS_AT {current: true}]->(c:Company)
WHERE w.validTo IS NULL OR w.validTo >= date()
MATCH (c)<-[w2:WORKS_AT {current: true}]-(:SourceRecord)-[:DESCRIBES]->(o:Person)
WHERE o.status = 'active' AND o.personId <> pid AND (w2.validTo IS NULL OR w2.validTo >= date())
WITH pid, c, collect(DISTINCT o.personId) AS others
RETURN pid AS personId, c.companyKey AS companyKey, c.name AS company, others[..$cap] AS others
"""

SAME_CORPORATE_DOMAIN = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_EMAIL {current: true}]->(e:Email)
WHERE e.corporate = true
WITH DISTINCT pid, e.domain AS domain
MATCH (:Email {domain: domain})<-[:HAS_EMAIL {current: true}]-(:SourceRecord)-[:DESCRIBES]->(o:Person)
WHERE o.status = 'active' AND o.personId <> pid
WITH pid, domain, collect(DISTINCT o.personId) AS others
RETURN pid AS personId, domain, others[..$cap] AS others
"""

PARENTS = """
UNWIND $companyKeys AS ck
MATCH (c:Company {companyKey: ck})-[s:SUBSIDIARY_OF {current: true}]->(p:Company)
RETURN c.companyKey AS companyKey, p.companyKey AS parentKey, p.name AS parent,
       s.source AS source, s.observedAt AS observedAt
"""

_SOCIAL = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[:HAS_SOCIAL_HANDLE {current: true}]->(h:SocialHandle)
MATCH (h){arrow}(o:SocialHandle)
OPTIONAL MATCH (o)<-[:HAS_SOCIAL_HANDLE {current: true}]-(:SourceRecord)-[:DESCRIBES]->(op:Person)
WHERE op.status = 'active'
RETURN DISTINCT pid AS personId, h.key AS handle, type(e) AS type, o.key AS other, o.followers AS followers,
       op.personId AS otherPerson, e.firstSeen AS firstSeen, e.lastSeen AS lastSeen, e.source AS source
LIMIT $cap
"""
SOCIAL_OUT = _SOCIAL.replace("{arrow}", f"-[e:{_SOCIAL_EDGE}]->")
SOCIAL_IN = _SOCIAL.replace("{arrow}", f"<-[e:{_SOCIAL_EDGE}]-")

# --- influence of one person ------------------------------------------------------------------

LATEST_RUN = """
MATCH (r:AnalyticsRun)
WHERE r.finishedAt IS NOT NULL
RETURN r {.*} AS run ORDER BY r.finishedAt DESC LIMIT 1
"""

_RANKING = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.{key} IS NOT NULL
RETURN p.personId AS personId, p.displayName AS name, p.valueScore AS valueScore,
       p.lifetimeSpend AS lifetimeSpend, p.tier AS tier, p.lastActivity AS lastActivity,
       p.reach AS reach, p.reachScore AS reachScore, p.networkInfluence AS networkInfluence,
       p.businessScore AS businessScore, p.decisionMaker AS decisionMaker,
       p.priorityScore AS priorityScore, p.priority AS priority, p.priorityReasons AS reasons,
       p.flags AS flags
ORDER BY p.{key} DESC, p.personId
LIMIT $limit
"""
RANKING = {"value": _RANKING.replace("{key}", "valueScore"), "reach": _RANKING.replace("{key}", "reach"),
           "priority": _RANKING.replace("{key}", "priorityScore")}

# --- analytics refresh: pieces in, properties out ---------------------------------------------

START_RUN = """
CREATE (r:AnalyticsRun {runId: $runId, startedAt: datetime()})
"""

FINISH_RUN = """
MATCH (r:AnalyticsRun {runId: $runId})
SET r += $stats, r.finishedAt = datetime()
"""

COUNT_ACTIVE_PERSONS = "MATCH (p:Person) WHERE p.status = 'active' RETURN count(p) AS n"
COUNT_ADDRESSES = "MATCH (a:Address) RETURN count(a) AS n"
COUNT_COMPANIES = "MATCH (c:Company) RETURN count(c) AS n"
COUNT_SOCIAL_HANDLES = """
MATCH (h:SocialHandle)
WHERE EXISTS { (h)-[:""" + _SOCIAL_EDGE + """]-() }
RETURN count(h) AS n
"""

EMAILS_WITHOUT_DOMAIN = """
MATCH (e:Email)
WHERE e.domain IS NULL
RETURN e.key AS key, e.value AS value LIMIT $limit
"""

WRITE_EMAIL_DOMAINS = """
UNWIND $rows AS row
MATCH (e:Identifier {key: row.key})
SET e.domain = row.domain, e.corporate = row.corporate
"""

ADDRESSES_PAGE = """
MATCH (a:Address)
WHERE a.key > $cursor
WITH a ORDER BY a.key LIMIT $limit
RETURN a.key AS addressKey, COUNT { (a)<-[:HAS_ADDRESS]-() } AS holdings
"""

WRITE_HANDLE_RANKS = """
UNWIND $rows AS row
MATCH (h:Identifier {key: row.key})
SET h.pagerank = row.pagerank, h.socialComponent = row.component, h.analyticsRun = $runId
"""

WRITE_HOUSEHOLDS = """
UNWIND $households AS h
MATCH (a:Identifier {key: h.addressKey})
MERGE (hh:Household {householdId: h.householdId})
SET hh.addressKey = h.addressKey, hh.name = h.name, hh.size = h.size, hh.currentSize = h.currentSize,
    hh.inferred = true, hh.rule = $rule, hh.analyticsRun = $runId, hh.refreshedAt = datetime(), hh.digest = h.digest
MERGE (hh)-[at:AT_ADDRESS]->(a)
SET at.inferred = true
WITH hh, h
UNWIND h.members AS m
MATCH (p:Person {personId: m.personId})
MERGE (p)-[mo:MEMBER_OF]->(hh)
SET mo.validFrom = m.validFrom, mo.validTo = m.validTo, mo.current = m.current, mo.evidence = m.evidence,
    mo.inferred = true, mo.rule = $rule
"""

# Derived facts are recomputed, so what the derivation no longer yields is removed. Each row
# carries its own address's keep-lists: one list for a whole batch made every row search it.
# Anchored on the indexed household first: written from the Person side, ArcadeDB scans every
# person for each address (62 s of a 75 s households phase at 5,000 persons).
DROP_STALE_MEMBERSHIPS = """
UNWIND $rows AS row
MATCH (hh:Household {addressKey: row.addressKey})
MATCH (hh)<-[mo:MEMBER_OF]-(p:Person)
WHERE NOT (hh.householdId + '|' + p.personId) IN row.memberships
DELETE mo
"""

DROP_STALE_HOUSEHOLDS = """
UNWIND $rows AS row
MATCH (hh:Household {addressKey: row.addressKey})
WHERE NOT hh.householdId IN row.householdIds
DETACH DELETE hh
"""

# What the last runs wrote, to write only what differs: a rewrite of an unchanged node is most of
# a refresh's cost on ArcadeDB (a SET copies the node).
STORED_HOUSEHOLDS = """
MATCH (hh:Household)
RETURN hh.householdId AS householdId, hh.addressKey AS addressKey, hh.digest AS digest
"""

STORED_RANKS = """
MATCH (h:SocialHandle)
WHERE h.pagerank IS NOT NULL
RETURN h.key AS key, h.pagerank AS pagerank, h.socialComponent AS component
"""

CLEAR_HANDLE_RANKS = """
UNWIND $keys AS k
MATCH (h:Identifier {key: k})
SET h.pagerank = null, h.socialComponent = null, h.analyticsRun = $runId
"""

# --- analytics refresh in bulk: one read per phase, paged by key ---------------------------------

SOCIAL_EDGES = {t: f"""
MATCH (a:SocialHandle)-[:{t}]->(b:SocialHandle)
RETURN a.key AS source, b.key AS target
""" for t in SOCIAL_EDGE_TYPES}

_PROFILE_FIELDS = """
RETURN p.personId AS personId, p.displayName AS name, p.scoreDigest AS digest,
       [(p)<-[:DESCRIBES]-(r:SourceRecord) | r {.lifetimeSpend, .tier, .lastActivity}] AS metrics,
       [(p)<-[:DESCRIBES]-(:SourceRecord)-[:HAS_SOCIAL_HANDLE {current: true}]->(h:SocialHandle) |
        h {.key, .platform, .handle, .followers, .pagerank, .analyticsRun,
           knownFollowers: size([(h)<-[:FOLLOWS]-(f) | f])}] AS handles,
       [(p)<-[:DESCRIBES]-(:SourceRecord)-[w:WORKS_AT {current: true}]->(c:Company) |
        {companyKey: c.companyKey, name: c.name, title: w.title, decisionMaker: coalesce(w.decisionMaker, false),
         validTo: w.validTo, knownEmployees: c.knownEmployees, knownSpend: c.knownSpend}] AS jobs
"""

# Pattern comprehensions from the one indexed person, not OPTIONAL MATCH + collect, which ArcadeDB
# plans several times slower. A handle two records name comes twice: influence.distinct_handles.
PROFILE = """
UNWIND $personIds AS pid
MATCH (p:Person {personId: pid})
""" + _PROFILE_FIELDS

PROFILES_PAGE = """
MATCH (p:Person)
WHERE p.status = 'active' AND p.personId > $cursor
WITH p ORDER BY p.personId LIMIT $limit
""" + _PROFILE_FIELDS

# --- incremental refresh: what changed since the last run started ------------------------------

# Persons a write touched since: a record sent again (its updatedAt), a record moved to them
# (DESCRIBES.since: a merge or split), a record moved away (their record count is not the one
# they were scored with), a new person, or one no run has scored yet.
CHANGED_PERSONS = """
MATCH (p:Person)
WHERE p.status = 'active' AND (p.scoredOn IS NULL OR p.createdAt >= $since
      OR COUNT { (p)<-[:DESCRIBES]-(:SourceRecord) } <> coalesce(p.scoredRecords, -1)
      OR EXISTS { (p)<-[d:DESCRIBES]-(r:SourceRecord) WHERE r.updatedAt >= $since OR d.since >= $since })
RETURN p.personId AS personId
"""

# Companies whose known employees or spend a changed person counts in (any job, current or past).
COMPANIES_OF_PERSONS = """
UNWIND $personIds AS pid
MATCH (:Person {personId: pid})<-[:DESCRIBES]-(:SourceRecord)-[:WORKS_AT]->(c:Company)
RETURN DISTINCT c.companyKey AS companyKey
"""

NEW_COMPANIES = """
MATCH (c:Company)
WHERE c.createdAt >= $since OR c.analyticsRun IS NULL
RETURN c.companyKey AS companyKey
"""

# Persons whose business score reads these companies' facts.
STAFF_OF = """
UNWIND $companyKeys AS ck
MATCH (:Company {companyKey: ck})<-[:WORKS_AT {current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE p.status = 'active'
RETURN DISTINCT p.personId AS personId
"""

# PageRank is global: any new handle or edge changes every rank, so it is recomputed whole.
SOCIAL_CHANGES = """
MATCH (h:SocialHandle)
WHERE h.createdAt >= $since OR EXISTS { (h)-[e:""" + _SOCIAL_EDGE + """]->() WHERE e.createdAt >= $since }
RETURN count(h) AS n
"""

HOLDERS_OF_HANDLES = """
UNWIND $keys AS k
MATCH (:Identifier {key: k})<-[:HAS_SOCIAL_HANDLE {current: true}]-(:SourceRecord)-[:DESCRIBES]->(p:Person)
WHERE p.status = 'active'
RETURN DISTINCT p.personId AS personId
"""

WRITE_PERSON_SCORES = """
UNWIND $rows AS row
MATCH (p:Person {personId: row.personId})
SET p += row.props, p.analyticsRun = $runId
"""
