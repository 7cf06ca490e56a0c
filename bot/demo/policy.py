"""How the demo's people behave: what they write, and which button they press when the bot asks.

Pure functions of a seeded `random.Random`, so `--seed` replays the same programme. Every pair gets a
*fate* when it is matched: most are engaged, some are slow to start, some never make the first contact,
the first pair ends early (its student asks again and is matched anew), the second is engaged, and the
third never answers its monthly prompts, so it goes dormant. About one student in four asks a mentor by
name from the directory; the followed student (whose journey is printed) always does, and books the
pair's first meeting from the match DM.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bot import ids


class Fate(enum.StrEnum):
    ENGAGED = "engaged"  # contact at once, meet most months, rate 4-5
    SLOW = "slow"  # contact after the reminder, "not met yet", "remind me next week"
    NO_CONTACT = "no_contact"  # the student never writes; the mentor may release the match
    SILENT = "silent"  # contact, then never answer a prompt: the pair goes dormant
    ENDING = "ending"  # meet once, then the student ends it at the first monthly prompt


class OfferAnswer(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    IGNORE = "ignore"  # the offer expires and goes to the next candidate


# Topics of the default programme, weighted by how often students ask and alumni offer them.
TOPIC_WEIGHTS = {
    "careers": 30,
    "internships": 20,
    "studies": 14,
    "engineering": 10,
    "entrepreneurship": 8,
    "international": 7,
    "business": 6,
    "health": 3,
    "arts": 1,
    "public_service": 1,
}
CAPACITY_WEIGHTS = {"1": 30, "2": 45, "3": 20, "4": 5}
HOW_MET = (ids.FOLLOWUP_MET_VIDEO, ids.FOLLOWUP_MET_IN_PERSON, ids.FOLLOWUP_MET_PHONE, ids.FOLLOWUP_MET)
HOW_MET_WEIGHTS = (40, 30, 12, 18)
RATINGS = (ids.FOLLOWUP_RATE_5, ids.FOLLOWUP_RATE_4, ids.FOLLOWUP_RATE_3, ids.FOLLOWUP_RATE_2)
RATING_WEIGHTS = (50, 36, 11, 3)
DIRECTORY_RATE = 0.25

REQUEST_MESSAGES = {
    "fr": (
        "Je suis en deuxième année et j'hésite entre deux spécialisations. J'aimerais en parler avec "
        "quelqu'un qui travaille dans le domaine.",
        "Je cherche un stage de six mois pour le printemps et je ne sais pas par où commencer.",
        "J'aimerais comprendre à quoi ressemble concrètement le métier avant de choisir mon master.",
        "Je prépare une année d'échange à l'étranger : des conseils pour m'organiser ?",
        "J'ai un projet de création d'entreprise avec deux amis et nous aimerions un regard extérieur.",
        "Je voudrais retravailler mon CV et me préparer aux entretiens.",
    ),
    "en": (
        "I'm in my second year and torn between two majors. I'd love to talk it through with someone "
        "who works in the field.",
        "I'm looking for a six-month internship next spring and don't know where to start.",
        "I'd like to understand what the job is really like before I choose my master's.",
        "I'm planning an exchange year abroad: any advice on getting organised?",
        "Two friends and I are starting a company and would value an outside view.",
        "I'd like help with my CV and with preparing for interviews.",
    ),
}
INDUSTRIES = (
    "Énergie",
    "Conseil",
    "Santé",
    "Banque",
    "Aéronautique",
    "Numérique",
    "Enseignement",
    "Industrie",
)
JOB_TITLES = {
    "fr": ("Ingénieure projet", "Chef de produit", "Consultante", "Data scientist", "Directeur d'usine"),
    "en": ("Project engineer", "Product manager", "Consultant", "Data scientist", "Plant manager"),
}
DECLINE_REASONS = {
    "fr": ("Je suis en déplacement tout le mois.", "Ce n'est pas vraiment mon domaine.", ""),
    "en": ("I'm travelling all month.", "Not really my field, sorry.", ""),
}
COMMENTS = {
    "fr": (
        "Très à l'écoute, merci !",
        "Un premier échange très utile.",
        "Nous avons fixé un prochain appel.",
    ),
    "en": ("Very attentive, thank you!", "A really useful first talk.", "We've set up our next call."),
}
END_REASONS = {
    "fr": "Mon stage à l'étranger commence plus tôt que prévu.",
    "en": "My internship abroad starts earlier than planned.",
}


@dataclass(frozen=True)
class Pause:
    """A person acts `days` days after the message arrived (0: the same day)."""

    action_id: str
    days: int = 0


def weighted(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    """`count` distinct keys of `weights`, drawn by weight."""
    keys, chosen = list(weights), []
    while len(chosen) < min(count, len(keys)):
        pick = rng.choices(keys, weights=[weights[key] for key in keys])[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def fate_of_new_pair(rng: random.Random, given: Sequence[Fate]) -> Fate:
    """The fate of the next pair matched, `given` the fates of the pairs matched before it."""
    if not given:
        return Fate.ENDING  # the earliest pair, so its end and the re-match fit in a short demo
    if len(given) >= 2 and Fate.SILENT not in given:
        return Fate.SILENT
    if len(given) == 1:
        return Fate.ENGAGED
    return rng.choices((Fate.ENGAGED, Fate.SLOW, Fate.NO_CONTACT), weights=(70, 20, 10))[0]


def offer_answer(rng: random.Random, *, asked_by_name: bool = False) -> Pause | None:
    """What a mentor does with an offer: accept (mostly), decline, or never answer. A mentor a student
    chose in the directory accepts, within a day: being picked by name is hard to turn down."""
    if asked_by_name:
        return Pause(ids.ACCEPT_OFFER, days=rng.choice((0, 1)))
    answer = rng.choices(list(OfferAnswer), weights=(55, 15, 30))[0]
    if answer is OfferAnswer.IGNORE:
        return None
    action_id = ids.ACCEPT_OFFER if answer is OfferAnswer.ACCEPT else ids.DECLINE_OFFER
    return Pause(action_id, days=rng.choice((0, 0, 1, 2)))


def first_contact(rng: random.Random, fate: Fate) -> Pause | None:
    """Whether the student clicks "I've contacted my mentor" in the match DM, and when."""
    if fate in (Fate.SLOW, Fate.NO_CONTACT):
        return None
    return Pause(ids.FIRST_CONTACT_DONE, days=rng.choice((0, 1, 1, 2)))


def followup_answer(
    rng: random.Random, buttons: Collection[str], fate: Fate, *, is_mentor: bool, contacted: bool
) -> str | None:
    """The button a person presses on a follow-up (known by its buttons), or None to leave it unanswered."""
    if ids.FOLLOWUP_CONTACT_YES in buttons:
        if contacted:
            return ids.FOLLOWUP_CONTACT_YES if rng.random() < 0.9 else None
        return ids.FOLLOWUP_CONTACT_NOT_YET if rng.random() < 0.7 else None
    if ids.FIRST_CONTACT_DONE in buttons:  # the day-7 reminder to the student
        return ids.FIRST_CONTACT_DONE if fate is Fate.SLOW else None
    if ids.FOLLOWUP_MEETING_HAPPENED in buttons:  # the day after a booked meeting
        if fate in (Fate.SILENT, Fate.NO_CONTACT):
            return None
        return ids.FOLLOWUP_MEETING_HAPPENED if rng.random() < 0.9 else ids.FOLLOWUP_MEETING_MISSED
    if ids.FOLLOWUP_RELEASE_MATCH in buttons:
        return ids.FOLLOWUP_RELEASE_MATCH if is_mentor and rng.random() < 0.6 else None
    if ids.FOLLOWUP_NOT_MET_YET in buttons:  # the one-month survey
        return _first_survey(rng, fate)
    if ids.FOLLOWUP_RATE_5 in buttons:  # the closing survey
        return _rating(rng) if rng.random() < 0.8 else None
    if ids.FOLLOWUP_MET in buttons:  # a monthly prompt
        return _monthly_prompt(rng, fate, is_mentor=is_mentor)
    if ids.FOLLOWUP_CONTINUE in buttons:
        return None if fate is Fate.SILENT else ids.FOLLOWUP_CONTINUE
    if ids.FOLLOWUP_RENEW in buttons:
        if fate is Fate.ENGAGED:
            return rng.choices((ids.FOLLOWUP_RENEW, ids.FOLLOWUP_CLOSE, None), weights=(50, 40, 10))[0]
        return rng.choice((ids.FOLLOWUP_CLOSE, None))
    if ids.FOLLOWUP_STOP_REMINDERS in buttons:
        return ids.FOLLOWUP_STOP_REMINDERS if rng.random() < 0.3 else None
    return None


def _rating(rng: random.Random) -> str:
    return rng.choices(RATINGS, weights=RATING_WEIGHTS)[0]


def _first_survey(rng: random.Random, fate: Fate) -> str | None:
    if fate is Fate.SLOW:
        return ids.FOLLOWUP_NOT_MET_YET if rng.random() < 0.5 else rng.choice(RATINGS[1:3])
    if fate is Fate.ENDING:
        return ids.FOLLOWUP_RATE_3
    if fate is Fate.NO_CONTACT:
        return None
    return _rating(rng) if rng.random() < 0.85 else None


def _monthly_prompt(rng: random.Random, fate: Fate, *, is_mentor: bool) -> str | None:
    if fate in (Fate.SILENT, Fate.NO_CONTACT):
        return None
    if fate is Fate.ENDING:
        return None if is_mentor else ids.FOLLOWUP_END
    met, remind, silent = (80, 10, 10) if fate is Fate.ENGAGED else (40, 30, 30)
    choice = rng.choices(("met", "remind", "silent"), weights=(met, remind, silent))[0]
    if choice == "met":
        return rng.choices(HOW_MET, weights=HOW_MET_WEIGHTS)[0]
    return ids.FOLLOWUP_REMIND_NEXT_WEEK if choice == "remind" else None


def uses_the_directory(rng: random.Random) -> bool:
    """Whether a student browses the mentor directory and asks one mentor by name, rather than sending
    a request to every mentor who matches: about one in four."""
    return rng.random() < DIRECTORY_RATE


def meeting_times(rng: random.Random, days: Sequence[int]) -> list[tuple[int, int]]:
    """The times a student proposes for a first meeting, as (day, hour): three of the working `days`
    ahead, at an hour after classes, in order."""
    chosen = sorted(rng.sample(list(days), min(3, len(days))))
    return [(day, rng.choice((12, 17, 18, 19))) for day in chosen]


def writes_a_comment(rng: random.Random) -> bool:
    """After a rating, the optional comment: about one person in three writes one."""
    return rng.random() < 0.35
