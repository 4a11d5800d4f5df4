// Steward decisions: who merged, split or answered what, when and why, what each constrains
// (apart: never one person again; together: always one) and its label for training.
// $status: 'active' for the decisions in force, 'undone' or 'superseded' for the history, null for all.
// :param status => 'active'
MATCH (d:StewardDecision)
WHERE ($status IS NULL OR d.status = $status) AND d.constraint IS NOT NULL
RETURN d.decisionId AS decisionId, d.action AS action, d.status AS status, d.at AS at, d.keyId AS byKey,
       d.role AS role, d.reason AS reason, d.constraint AS constraint, d.label AS label,
       d.personId AS personId, d.otherPersonId AS otherPersonId, d.sideA AS sideA, d.sideB AS sideB
ORDER BY decisionId
LIMIT 100;
