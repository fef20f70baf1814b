"""The fixed bins of every breakdown: what a coordinator may group people by.

Every bin is a category of a choice field or a fixed range, never free text. Countries are
never published one by one: they are grouped into regions, and a region with fewer people than
the threshold in a year is merged into the rest of its continent (``coarsen_regions``).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThan
from django.utils.translation import gettext_lazy as _

from clients.models import CaseOutcome, Gender, ResidenceSituation
from referrals.models import ReferralStatus, ReferralType
from sessions.models import GoalCategory, GoalStatus, Session

NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = _("Not recorded")

# Regions of origin (after the UN M49 sub-regions, grouped for migration to Belgium).
REGIONS = {
    "north_africa": (_("North Africa"), "DZ EG EH LY MA SD TN"),
    "west_africa": (
        _("West Africa"),
        "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    ),
    "central_africa": (_("Central Africa"), "AO CD CF CG CM GA GQ ST TD"),
    "east_southern_africa": (
        _("East and Southern Africa"),
        "BI BW DJ ER ET IO KE KM LS MG MU MW MZ NA RE RW SC SO SS SZ TF TZ UG YT ZA ZM ZW",
    ),
    "west_asia": (
        _("Middle East and Caucasus"),
        "AE AM AZ BH GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    ),
    "south_central_asia": (
        _("South and Central Asia"),
        "AF BD BT IN IR KG KZ LK MV NP PK TJ TM UZ",
    ),
    "east_asia": (
        _("East and South-East Asia"),
        "BN CN HK ID JP KH KP KR LA MM MN MO MY PH SG TH TL TW VN",
    ),
    "eu_efta": (
        _("European Union and EFTA"),
        "AT AX BE BG CH CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT "
        "RO SE SI SK",
    ),
    "other_europe": (
        _("Europe outside the EU and EFTA"),
        "AD AL BA BY FO GB GG GI IM JE MC MD ME MK RS RU SJ SM UA VA",
    ),
    "latin_america": (
        _("Latin America and the Caribbean"),
        "AG AI AR AW BB BL BO BQ BR BS BV BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN HT "
        "JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    ),
    "north_america_oceania": (
        _("North America and Oceania"),
        "AQ AS AU BM CA CC CK CX FJ FM GL GU HM KI MH MP NC NF NR NU NZ PF PG PM PN PW SB TK "
        "TO TV UM US VU WF WS",
    ),
}
REGION_CONTINENT = {
    "north_africa": "africa",
    "west_africa": "africa",
    "central_africa": "africa",
    "east_southern_africa": "africa",
    "west_asia": "asia",
    "south_central_asia": "asia",
    "east_asia": "asia",
    "eu_efta": "europe",
    "other_europe": "europe",
    "latin_america": "americas_oceania",
    "north_america_oceania": "americas_oceania",
}
CONTINENT_REST = {
    "africa": _("Africa, other regions"),
    "asia": _("Asia, other regions"),
    "europe": _("Europe, other regions"),
    "americas_oceania": _("Americas and Oceania, other regions"),
}

AGE_BANDS = [
    # code, label, lowest age in the band
    ("under_18", _("Under 18"), 0),
    ("18_25", _("18–25"), 18),
    ("26_35", _("26–35"), 26),
    ("36_45", _("36–45"), 36),
    ("46_plus", _("46 and over"), 46),
]
SESSION_BANDS = [
    ("0", _("No session"), 0),
    ("1", _("1 session"), 1),
    ("2_3", _("2–3 sessions"), 2),
    ("4_6", _("4–6 sessions"), 4),
    ("7_plus", _("7 sessions or more"), 7),
]
DURATION_BANDS = [
    ("under_3m", _("Under 3 months"), 0),
    ("3_6m", _("3–6 months"), 91),
    ("6_12m", _("6–12 months"), 183),
    ("over_1y", _("Over a year"), 366),
]

# Referral statuses as a coordinator reads them (drafts are never counted).
REFERRAL_GROUPS = [
    ("waiting", _("Waiting for an answer"), [ReferralStatus.SENT]),
    ("accepted", _("Accepted, under way"), [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]),
    ("completed", _("Completed"), [ReferralStatus.COMPLETED]),
    ("declined", _("Declined"), [ReferralStatus.DECLINED]),
    ("cancelled", _("Cancelled"), [ReferralStatus.CANCELLED]),
]


def _bands(value, bands) -> Case:
    """The band of a number: the last band whose lower bound it reaches."""
    whens = [
        When(IsNull(value, True), then=Value(NOT_RECORDED)),
        When(LessThan(value, 0), then=Value(NOT_RECORDED)),  # a birth date after the intake
    ]
    for code, _label, lowest in reversed(bands):
        whens.append(When(GreaterThanOrEqual(value, lowest), then=Value(code)))
    return Case(*whens, default=Value(bands[0][0]), output_field=CharField())


class Breakdown:
    """One way of cutting the cases: its fixed bins and the SQL expression choosing one.

    ``band``, when given, turns what the database grouped by (a small number, such as the
    sessions a case had) into the bin, after the GROUP BY: an expression used in several
    branches of an SQL CASE would be computed once per branch."""

    def __init__(self, code, label, bins, expression, band=None):
        self.code = code
        self.label = label
        self.bins = bins  # [(code, label)], in display order
        self.expression = expression  # a function giving the expression, on the Case model
        self.band = band or (lambda value: value)

    def labels(self) -> dict[str, str]:
        return dict(self.bins)


def _choice_bins(choices) -> list[tuple[str, str]]:
    return [*choices.choices, (NOT_RECORDED, NOT_RECORDED_LABEL)]


def _blank_is_not_recorded(field: str) -> Case:
    return Case(
        When(**{field: ""}, then=Value(NOT_RECORDED)),
        default=F(field),
        output_field=CharField(),
    )


def _region() -> Case:
    return Case(
        *[
            When(client__country_of_origin__in=codes.split(), then=Value(region))
            for region, (_label, codes) in REGIONS.items()
        ],
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def _age() -> Case:
    """Age on the day of intake, kept on the case when it opened (clients/ages.py): the
    birth date itself is encrypted and never read by the figures."""
    return _bands(F("age_at_opening"), AGE_BANDS)


def _sessions() -> Coalesce:
    """How many sessions the case had (put in its band by ``band_of``, after the GROUP BY)."""
    held = (
        Session.objects.filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), 0)


def band_of(value: int, bands) -> str:
    return next(code for code, _label, lowest in reversed(bands) if value >= lowest)


def _duration() -> Case:
    whens = [
        When(closed_at__gte=F("opened_at") + timedelta(days=lowest), then=Value(code))
        for code, _label, lowest in reversed(DURATION_BANDS)
    ]
    return Case(*whens, default=Value(DURATION_BANDS[0][0]), output_field=CharField())


REGION = Breakdown(
    "region",
    _("Region of origin"),
    [
        *((code, label) for code, (label, _codes) in REGIONS.items()),
        (NOT_RECORDED, NOT_RECORDED_LABEL),
    ],
    _region,
)
RESIDENCE = Breakdown(
    "residence",
    _("Residence situation"),
    _choice_bins(ResidenceSituation),
    lambda: _blank_is_not_recorded("client__residence_situation"),
)
AGE = Breakdown(
    "age",
    _("Age at intake"),
    [*((code, label) for code, label, _low in AGE_BANDS), (NOT_RECORDED, NOT_RECORDED_LABEL)],
    _age,
)
GENDER = Breakdown(
    "gender",
    _("Gender"),
    _choice_bins(Gender),
    lambda: _blank_is_not_recorded("client__gender"),
)
SESSIONS = Breakdown(
    "sessions",
    _("Sessions held"),
    [(code, label) for code, label, _low in SESSION_BANDS],
    _sessions,
    band=lambda n: band_of(n, SESSION_BANDS),
)
DURATION = Breakdown(
    "duration",
    _("Time from intake to outcome"),
    [(code, label) for code, label, _low in DURATION_BANDS],
    _duration,
)

OUTCOMES = [(code, label) for code, label in CaseOutcome.choices]
GOAL_CATEGORIES = list(GoalCategory.choices)
GOAL_STATUSES = list(GoalStatus.choices)
REFERRAL_TYPES = list(ReferralType.choices)


REFERRAL_GROUP_OF = {
    status: code for code, _label, statuses in REFERRAL_GROUPS for status in statuses
}


def not_draft() -> Q:
    return ~Q(status=ReferralStatus.DRAFT) & Q(sent_at__isnull=False)
