"""History that is never overwritten: past names, job titles, addresses and their use; death."""
