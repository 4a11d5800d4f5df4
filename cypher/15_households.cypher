// Households with their members, current and former, with the evidence for each membership.
// $minMembers: at least this many current members.
// :param minMembers => 2
MATCH (h:Household)<-[m:MEMBER_OF]-(p:Person)
WITH h, collect({name: p.displayName, current: m.current, since: m.validFrom, until: m.validTo,
                 evidence: m.evidence}) AS members
WHERE size([x IN members WHERE x.current]) >= $minMembers
RETURN h.householdId AS household, h.name AS address, h.currentSize AS currentMembers, members
ORDER BY address
LIMIT 100;
