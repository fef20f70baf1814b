"""Pools of clearly fictional values. No real person is described: first names come from a
short list, every last name starts with "Loadtest", phones are in the unassigned 000 range,
and every free text is marked "(generated)"."""

from __future__ import annotations

import random
from datetime import date

FIRST_NAMES = [
    "Adam", "Aisha", "Amadou", "Bilal", "Dina", "Emre", "Fatou", "Hamza", "Ines", "Jamal",
    "Karim", "Leila", "Mariam", "Mehdi", "Nour", "Olena", "Omar", "Rania", "Sami", "Tariq",
    "Yasmin", "Zainab", "Ahmad", "Awa", "Binta", "Darius", "Elif", "Farah", "Goran", "Hoda",
    "Ibrahim", "Joseph", "Kofi", "Lamin", "Mustafa", "Nadia", "Ousmane", "Parisa", "Rashid",
    "Salma", "Tesfay", "Yonas", "Zahra", "Anya", "Bogdan", "Chinedu", "Dawit", "Esra",
]  # fmt: skip
LAST_LETTERS = "ABCDEFGHJKLMNPRSTVWZ"
COUNTRIES = (
    ["MA"] * 8 + ["DZ"] * 4 + ["GN"] * 5 + ["SN"] * 3 + ["CM"] * 4 + ["CD"] * 4 + ["ER"] * 3
    + ["SY"] * 3 + ["AF"] * 4 + ["BR"] * 3 + ["UA"] * 2 + ["RO"] * 2 + ["PH", "NP", "", ""]
)  # fmt: skip
LANGUAGES = ["ar", "fr", "en", "nl", "ps", "prs", "ti", "ff", "ln", "es", "pt", "ru", "tr"]
RESIDENCE = ["undocumented"] * 5 + [
    "regularisation_9bis",
    "regularisation_9ter",
    "asylum_refused",
    "asylum_refused",
    "dublin",
    "other",
    "",
]
GENDERS = ["female", "male", "male", "female", "other", ""]
OPEN_STATES = ["intake"] * 2 + ["orientation"] * 3 + ["action"] * 3 + ["follow_up"] * 2
OUTCOMES = (
    ["legal_stay"] * 3 + ["voluntary_return"] * 3 + ["training_completed"] * 3
    + ["lost_contact"] * 4 + ["onward_migration", "other"]
)  # fmt: skip
GOAL_CATEGORIES = [
    "legal_stay", "training", "return", "onward", "health", "housing", "language", "livelihood",
]  # fmt: skip
# Referral type → the domain of the partners that receive it.
REFERRAL_DOMAINS = {
    "training": "training_work",
    "regularisation": "legal_aid",
    "return": "return",
    "language": "language_classes",
    "health": "health",
    "shelter": "shelter",
    "other": "orientation",
}
CONSENTABLE = ["first_name", "country_of_origin", "languages", "residence_situation", "goal"]
PHRASES = [
    "came to join family", "left because of the war", "worked in construction",
    "sleeps at a friend's place", "wants to learn Dutch", "thinks about going back",
    "looks for a training in care work", "waits for an answer on 9bis",
    "has health worries", "would like to work legally", "talked about the journey",
    "feels stuck", "met a legal aid lawyer", "plans to visit the diaspora association",
]  # fmt: skip


def text(rng: random.Random, words: int = 2) -> str:
    """A short free text, marked as generated."""
    return "(generated) " + "; ".join(rng.sample(PHRASES, words)) + "."


def last_name(rng: random.Random) -> str:
    return f"Loadtest {rng.choice(LAST_LETTERS)}{rng.randrange(1000):03d}"


def phone(rng: random.Random) -> str:
    return f"+32 000 {rng.randrange(100):02d} {rng.randrange(100):02d} {rng.randrange(100):02d}"


def birth_date(rng: random.Random, opened: date) -> date:
    age = rng.choice([17, 19, 22, 24, 26, 28, 31, 34, 37, 41, 46, 52, 60])
    return date(opened.year - age, rng.randint(1, 12), rng.randint(1, 28))


def spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders): the counts add up."""
    if not weights:
        return []
    whole = sum(weights) or 1.0
    raw = [w * total / whole for w in weights]
    counts = [int(x) for x in raw]
    short = total - sum(counts)
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[:short]:
        counts[i] += 1
    return counts


def caseload_weights(rng: random.Random, counsellors: int) -> list[float]:
    """How caseloads are skewed: about one counsellor in twenty carries six times a typical
    load (a few thousand cases at full size); the rest vary around the middle."""
    heavy = max(1, counsellors // 20)
    weights = [6.0] * heavy + [rng.lognormvariate(0, 0.5) for _ in range(counsellors - heavy)]
    rng.shuffle(weights)
    return weights


def sessions_per_case(rng: random.Random, cases: int, sessions: int, cap: int = 300) -> list[int]:
    """Sessions per case: at least one when there are enough, then a long tail (lognormal)."""
    if sessions < cases:
        counts = [1] * sessions + [0] * (cases - sessions)
        rng.shuffle(counts)
        return counts
    extra = spread(sessions - cases, [rng.lognormvariate(0, 1.0) for _ in range(cases)])
    counts = [1 + min(n, cap - 1) for n in extra]
    # What the cap took away goes to the cases below it, one each, so the total holds.
    lost = sessions - sum(counts)
    below = [i for i, n in enumerate(counts) if n < cap]
    for i in rng.sample(below, min(lost, len(below))):
        counts[i] += 1
    return counts
