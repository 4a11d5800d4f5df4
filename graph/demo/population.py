"""A seeded synthetic population of customer records with known identities.

Households share a family name, an address and often a landline; some have twins (same
birth date, different given names). Each person may leave several records, corrupted the
way customer data is: nicknames, typos, day/month swaps, a digit off, a given/family
swap, initials, missing fields, a move, a family name changed by marriage while the
e-mail stays, a national id keyed one digit wrong, a field filled with somebody else's
value. Used to train the shipped defaults and to test behaviour end to end.

``messy=True`` is the data of a careless CRM export (issue 13): five to ten records per person,
each with one to three errors, fields missing twice as often, e-mails with typos (some no longer
parse), phone numbers missing a digit, impossible birth dates, towns and postcodes mistyped, addresses
that are only a town, only a postcode or a street without its number, and twins whose formal names share a diminutive
(Alexander and Alexandra). The default stays as it was, so seeded
outputs (the shipped model among them) do not change.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, replace

from graph.matching.text import nicknames_of

MALE = ("james john robert michael william david richard joseph thomas charles christopher "
        "daniel matthew anthony donald steven andrew kenneth joshua kevin brian george "
        "edward ronald timothy jason jeffrey ryan jacob gary nicholas eric jonathan stephen "
        "larry justin scott benjamin samuel gregory alexander patrick frank raymond jack "
        "dennis jerry tyler aaron jose henry adam douglas nathan peter zachary kyle walter "
        "harold jeremy ethan carl keith roger gerald christian terry sean arthur austin "
        "noah lawrence jesse joe bryan billy jordan albert dylan bruce willie gabriel alan "
        "juan logan wayne ralph roy eugene randy vincent russell louis philip bobby johnny "
        "oliver lucas mohammed ahmed hiroshi wei rahul sven jurgen francois").split()
FEMALE = ("mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy "
          "lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol "
          "amanda melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley "
          "angela helen anna brenda pamela nicole emma samantha katherine christine debra "
          "rachel catherine carolyn janet ruth maria heather diane virginia julie joyce "
          "victoria olivia kelly christina lauren joan evelyn judith megan cheryl andrea "
          "hannah martha jacqueline frances gloria ann teresa kathryn sara janice jean alice "
          "madison doris abigail julia judy grace denise amber marilyn beverly danielle "
          "theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla "
          "zoe chloe sofia ines aiko mei priya ingrid brigitte amelie").split()
FAMILY = ("smith johnson williams brown jones garcia miller davis rodriguez martinez "
          "hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee "
          "perez thompson white harris sanchez clark ramirez lewis robinson walker young "
          "allen king wright scott torres nguyen hill flores green adams nelson baker hall "
          "rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker "
          "cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez "
          "ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward "
          "richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price "
          "alvarez castillo sanders patel myers long ross foster jimenez mueller schmidt "
          "oconnor dubois rossi kowalski tanaka okafor").split()
STREETS = ("high station church park victoria green manor kings queens mill oak elm maple "
           "cedar willow river lake hill bridge market london york windsor albert george").split()
STREET_TYPES = ("street", "road", "avenue", "lane", "close", "drive", "crescent", "way")
TOWNS = ("ashford bexley camden dalton elmstead fairview glenwood hartley irvine kenton "
         "langley milton newport oakham preston redhill selby thornton upton wexford").split()
DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "mail.example", "icloud.com")
SYLLABLES = ("ka", "ber", "lin", "dor", "vash", "mek", "zel", "tro", "nov", "ski", "wen", "rud")


@dataclass(frozen=True)
class Person:
    id: int
    given: str
    family: str
    gender: str
    birth_date: str
    street_number: str
    street: str
    locality: str
    postcode: str
    phone: str | None
    email: str | None
    national_id: str | None


@dataclass(frozen=True)
class Home:
    family: str
    street_number: str
    street: str
    locality: str
    postcode: str
    landline: str | None


def generate_population(people: int, seed: int = 0, messy: bool = False,
                        households: bool = True) -> list[tuple[dict, int]]:
    """(record, person id) pairs for about ``people`` people, shuffled. ``households=False``: everyone
    lives alone (one adult per home, no shared landline or family name at one address)."""
    rng = random.Random(seed)
    records = _messy_records if messy else _records
    rows = [
        (record, person.id) for person in _people(rng, people, messy, households)
        for record in records(rng, person)
    ]
    rng.shuffle(rows)
    return rows


def _people(rng: random.Random, count: int, messy: bool = False, households: bool = True) -> Iterator[Person]:
    made = 0
    while made < count:
        household = _household(rng, made) if households else _household(rng, made)[:1]
        if messy:
            household = _name_twins_alike(rng, household)
        made += len(household)
        yield from household


# formal names sharing a diminutive (Alex, Dan, Chris, Pat, Fred): two people, not a nickname
TWIN_TRAPS = (("alexander", "alexandra"), ("daniel", "danielle"), ("christopher", "christina"),
              ("patrick", "patricia"), ("frederick", "frederica"))


def _name_twins_alike(rng: random.Random, household: list[Person]) -> list[Person]:
    """Twins (the last two children, one birth date) named as the trap pairs: a brother and a sister."""
    if len(household) < 3 or household[-1].birth_date != household[-2].birth_date:
        return household
    brother, sister = rng.choice(TWIN_TRAPS)
    return household[:-2] + [replace(household[-2], given=brother, gender="m"),
                             replace(household[-1], given=sister, gender="f")]


def _household(rng: random.Random, first_id: int) -> list[Person]:
    family = rng.choice(FAMILY) if rng.random() < 0.8 else _rare_family(rng)
    street = f"{rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    landline = _phone(rng) if rng.random() < 0.5 else None
    home = Home(family, str(rng.randint(1, 250)), street, *_town(rng), landline)
    births = _adult_births(rng)
    adults = len(births)
    births += _child_births(rng, births[0])
    return [
        _person(rng, first_id + i, home, birth, adult=i < adults) for i, birth in enumerate(births)
    ]


def _adult_births(rng: random.Random) -> list[str]:
    year = rng.randint(1940, 1995)
    years = [year, year + rng.randint(-4, 4)][: rng.choice((1, 2, 2))]
    return [_date(rng, y) for y in years]


def _child_births(rng: random.Random, parent_birth: str) -> list[str]:
    first_year = int(parent_birth[:4]) + rng.randint(22, 38)
    births = [_date(rng, first_year + 2 * k) for k in range(rng.choice((0, 0, 1, 2, 3)))]
    if births and rng.random() < 0.08:
        births.append(births[-1])  # twins
    return births


def _person(rng: random.Random, person_id: int, home: Home, birth: str, adult: bool) -> Person:
    gender = rng.choice("mf")
    given = rng.choice(MALE if gender == "m" else FEMALE)
    mobile = _phone(rng) if adult and rng.random() < 0.6 else None
    email = None
    if adult and rng.random() < 0.7:
        email = f"{given}.{home.family}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
    national_id = "".join(rng.choices(string.digits, k=9)) if rng.random() < 0.5 else None
    phone = mobile or home.landline
    return Person(person_id, given, home.family, gender, birth, home.street_number, home.street,
                  home.locality, home.postcode, phone, email, national_id)


def _records(rng: random.Random, person: Person) -> Iterator[dict]:
    yield _record(rng, person, missing=0.05)
    for _ in range(rng.choices((0, 1, 2, 3), (0.55, 0.3, 0.1, 0.05))[0]):
        yield _record(rng, _corrupt(rng, person), missing=0.12)


def _messy_records(rng: random.Random, person: Person) -> Iterator[dict]:
    yield _record(rng, person, missing=0.1)
    for _ in range(rng.randint(4, 9)):
        yield _record(rng, _corrupt(rng, person, _CORRUPTIONS + _MESSY_CORRUPTIONS), missing=0.25)


def _record(rng: random.Random, person: Person, missing: float) -> dict:
    record = {
        "given": person.given, "family": person.family, "birthDate": person.birth_date,
        "streetNumber": person.street_number, "street": person.street,
        "locality": person.locality, "postcode": person.postcode, "phone": person.phone,
        "email": person.email, "nationalId": person.national_id, "gender": person.gender,
    }
    dropped = {k for k in _OPTIONAL if rng.random() < missing}
    return {k: v for k, v in record.items() if v and k not in dropped}


_OPTIONAL = ("birthDate", "phone", "email", "nationalId", "gender", "streetNumber", "given")


def _corrupt(rng: random.Random, person: Person, kinds: tuple = ()) -> Person:
    corruptions, weights = zip(*(kinds or _CORRUPTIONS), strict=True)
    for corruption in rng.choices(corruptions, weights, k=rng.choice((1, 1, 2, 3))):
        person = corruption(rng, person)
    return person


def _nickname(rng: random.Random, p: Person) -> Person:
    options = sorted(n for n in nicknames_of(p.given) if len(n) > 1)
    return replace(p, given=rng.choice(options)) if options else _typo_given(rng, p)


def _typo_given(rng: random.Random, p: Person) -> Person:
    return replace(p, given=_typo(rng, p.given))


def _typo_family(rng: random.Random, p: Person) -> Person:
    return replace(p, family=_typo(rng, p.family))


def _transpose_date(rng: random.Random, p: Person) -> Person:
    y, m, d = p.birth_date.split("-")
    return replace(p, birth_date=f"{y}-{d}-{m}") if int(d) <= 12 else _digit_off(rng, p)


def _digit_off(rng: random.Random, p: Person) -> Person:
    chars = list(p.birth_date)
    i = rng.choice((2, 3, 6, 9))
    chars[i] = str((int(chars[i]) + rng.randint(1, 8)) % 10)
    return replace(p, birth_date="".join(chars))


def _moved(rng: random.Random, p: Person) -> Person:
    town = _town(rng)
    street = f"{rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    phone = p.phone if rng.random() < 0.5 else _phone(rng)
    return replace(p, street_number=str(rng.randint(1, 250)), street=street, locality=town[0],
                   postcode=town[1], phone=phone)


def _married(rng: random.Random, p: Person) -> Person:
    if p.gender != "f" or not p.email:
        return _moved(rng, p)
    return replace(p, family=rng.choice(FAMILY))


def _typo_street(rng: random.Random, p: Person) -> Person:
    return replace(p, street=_typo(rng, p.street))


def _new_email(rng: random.Random, p: Person) -> Person:
    return replace(p, email=f"{p.given[:1]}{p.family}@{rng.choice(DOMAINS)}") if p.email else p


def _new_phone(rng: random.Random, p: Person) -> Person:
    return replace(p, phone=_phone(rng)) if p.phone else p


def _swapped(rng: random.Random, p: Person) -> Person:
    return replace(p, given=p.family, family=p.given)


def _initial(rng: random.Random, p: Person) -> Person:
    return replace(p, given=p.given[0])


def _typo(rng: random.Random, text: str) -> str:
    if not text:
        return text  # a messy record may have lost the field already
    i = rng.randrange(len(text))
    letter = rng.choice(string.ascii_lowercase)
    edits: tuple[str, ...] = (
        text[:i] + letter + text[i + 1 :],  # substitution
        text[:i] + text[i + 1 :],  # deletion
        text[:i] + letter + text[i:],  # insertion
    )
    if len(text) > 2:
        j = min(i, len(text) - 2)
        edits += (text[:j] + text[j + 1] + text[j] + text[j + 2 :],)  # transposition
    return rng.choice(edits) or text


def _id_slip(rng: random.Random, p: Person) -> Person:
    if not p.national_id:
        return _typo_given(rng, p)
    chars = list(p.national_id)
    i = rng.randrange(len(chars))
    chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    return replace(p, national_id="".join(chars))


def _wrong_box(rng: random.Random, p: Person) -> Person:
    """A field filled with somebody else's value (the next customer's, a form's other box)."""
    field = rng.choice(("national_id", "birth_date", "given"))
    if field == "national_id" and p.national_id:
        return replace(p, national_id="".join(rng.choices(string.digits, k=9)))
    if field == "birth_date":
        return replace(p, birth_date=_date(rng, rng.randint(1930, 2005)))
    return replace(p, given=rng.choice(MALE + FEMALE))


_CORRUPTIONS = (
    (_nickname, 2), (_typo_given, 2), (_typo_family, 2), (_transpose_date, 1), (_digit_off, 1),
    (_moved, 2), (_married, 1), (_typo_street, 1), (_new_email, 1), (_new_phone, 0.5),
    (_swapped, 0.3), (_initial, 0.5), (_id_slip, 0.5), (_wrong_box, 0.5),
)


def _typo_email(rng: random.Random, p: Person) -> Person:
    """One keystroke off in the local part or the domain ('jhon.smith@gmial.com'), still an address."""
    if not p.email or p.email.count("@") != 1 or "." not in p.email.split("@")[1]:
        return _typo_given(rng, p)
    local, domain = p.email.split("@")
    if rng.random() < 0.7:
        return replace(p, email=f"{_letters_typo(rng, local)}@{domain}")
    name, tld = domain.rsplit(".", 1)
    return replace(p, email=f"{local}@{_letters_typo(rng, name)}.{tld}")


def _letters_typo(rng: random.Random, text: str) -> str:
    # dots and digits kept out of the typo, so that the address still parses
    typo = _typo(rng, text).strip(".")
    return typo if typo and ".." not in typo else text


def _town_only(rng: random.Random, p: Person) -> Person:
    return replace(p, street_number="", street="", postcode="")


def _postcode_only(rng: random.Random, p: Person) -> Person:
    return replace(p, street_number="", street="", locality="")


def _no_house_number(rng: random.Random, p: Person) -> Person:
    return replace(p, street_number="")


def _wrong_year(rng: random.Random, p: Person) -> Person:
    year = int(p.birth_date[:4]) + rng.choice((-10, -1, 1, 10))
    return replace(p, birth_date=f"{year}{p.birth_date[4:]}")


def _broken_email(rng: random.Random, p: Person) -> Person:
    """An e-mail that no longer parses ('jane..smith@x', the @ lost): intake sets it aside, still evidence."""
    if not p.email or p.email.count("@") != 1:
        return _typo_given(rng, p)
    local, domain = p.email.split("@")
    broken = rng.choice((f"{local}..{rng.choice(string.ascii_lowercase)}@{domain}", f"{local}{domain}",
                         f"{local}@{domain.split('.')[0]}"))
    return replace(p, email=broken)


def _broken_phone(rng: random.Random, p: Person) -> Person:
    """A digit lost from a mobile number: too short to parse, set aside by intake."""
    if not p.phone:
        return _typo_family(rng, p)
    i = rng.randrange(4, len(p.phone))
    return replace(p, phone=p.phone[:i] + p.phone[i + 1:])


def _impossible_date(rng: random.Random, p: Person) -> Person:
    """A birth date no one has: a month 13, a day 31 in a short month, or a year in the future."""
    year, month, day = p.birth_date.split("-")
    return replace(p, birth_date=rng.choice((f"{year}-13-{day}", f"{year}-02-31", f"2{year[1:]}-{month}-{day}")))


def _typo_town(rng: random.Random, p: Person) -> Person:
    return replace(p, locality=_typo(rng, p.locality))


def _typo_postcode(rng: random.Random, p: Person) -> Person:
    """One digit of the postcode keyed wrong."""
    i = rng.randrange(len(p.postcode)) if p.postcode else 0
    if not p.postcode or not p.postcode[i].isdigit():
        return _typo_town(rng, p)
    return replace(p, postcode=p.postcode[:i] + str((int(p.postcode[i]) + rng.randint(1, 9)) % 10) + p.postcode[i + 1:])


_MESSY_CORRUPTIONS = (
    (_typo_email, 2), (_town_only, 2), (_postcode_only, 1), (_no_house_number, 1), (_wrong_year, 0.5),
    (_broken_email, 1), (_broken_phone, 0.5), (_impossible_date, 0.5), (_typo_town, 0.5), (_typo_postcode, 0.5),
)


def _date(rng: random.Random, year: int) -> str:
    return f"{min(year, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _town(rng: random.Random) -> tuple[str, str]:
    index = rng.randrange(len(TOWNS))
    return TOWNS[index], f"{1000 + index * 37 + rng.randint(0, 3)}"


def _phone(rng: random.Random) -> str:
    return "+447" + "".join(rng.choices(string.digits, k=9))


def _rare_family(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3)))
