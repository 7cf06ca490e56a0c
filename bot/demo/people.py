"""The demo's school: alumni, students and an admin, with plausible names, languages and time zones.

Everything is drawn from a seeded `random.Random`, so `--seed` gives the same people every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Role = Literal["alumnus", "student", "admin"]

ADMIN_USER_ID = "UADMIN"
SLACK_LOCALES = {"fr": "fr-FR", "en": "en-GB"}

FIRST_NAMES = (
    "Camille", "Malik", "Léa", "Hugo", "Inès", "Lucas", "Chloé", "Yanis", "Manon", "Nathan",
    "Sarah", "Théo", "Emma", "Louis", "Jade", "Gabriel", "Lina", "Adam", "Zoé", "Raphaël",
    "Amira", "Jules", "Clara", "Mehdi", "Alice", "Paul", "Anaïs", "Sofiane", "Juliette", "Victor",
    "Olivia", "James", "Priya", "Daniel", "Grace", "Oliver", "Fatou", "Tom", "Aisha", "Samuel",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Benali", "Nguyen", "Diallo", "Fontaine", "Roux",
    "Smith", "Taylor", "Brown", "Wilson", "Okafor", "Chen", "Haddad", "Mercier", "Blanc", "Girard",
)  # fmt: skip
# Most of the school is in Paris; a few live abroad, so quiet hours hold some messages for later.
TIME_ZONES = (
    ("Europe/Paris", 3600, 80),
    ("Europe/Brussels", 3600, 8),
    ("Europe/London", 0, 7),
    ("America/Montreal", -18000, 5),
)


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str
    role: Role
    locale: str  # the bot's language code: fr or en
    tz: str
    tz_offset: int

    @property
    def handle(self) -> str:
        return self.name.split()[0].lower() + "." + self.name.split()[-1].lower()


@dataclass(frozen=True)
class Cast:
    alumni: tuple[DemoPerson, ...]
    students: tuple[DemoPerson, ...]
    admin: DemoPerson

    @property
    def everyone(self) -> tuple[DemoPerson, ...]:
        return (self.admin, *self.alumni, *self.students)

    def by_id(self) -> dict[str, DemoPerson]:
        return {person.user_id: person for person in self.everyone}


def cast_people(rng: random.Random, alumni: int, students: int, locale: str) -> Cast:
    """`alumni` alumni and `students` students with distinct names, and the programme's admin."""
    names = _distinct_names(rng, alumni + students + 1)

    def person(user_id: str, name: str, role: Role) -> DemoPerson:
        zone, offset, _ = rng.choices(TIME_ZONES, weights=[weight for *_, weight in TIME_ZONES])[0]
        return DemoPerson(user_id, name, role, locale, zone, offset)

    return Cast(
        alumni=tuple(person(f"UALUM{n:03d}", names[n - 1], "alumnus") for n in range(1, alumni + 1)),
        students=tuple(
            person(f"USTUD{n:03d}", names[alumni + n - 1], "student") for n in range(1, students + 1)
        ),
        admin=DemoPerson(ADMIN_USER_ID, names[-1], "admin", locale, "Europe/Paris", 3600),
    )


def _distinct_names(rng: random.Random, count: int) -> list[str]:
    pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    if count > len(pairs):
        raise ValueError(f"the demo has names for at most {len(pairs)} people")
    return [f"{first} {last}" for first, last in rng.sample(pairs, count)]
