"""Languages clients speak, as ISO 639 codes; names are translated in the interface."""

from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = [
    ("sq", _("Albanian")),
    ("am", _("Amharic")),
    ("ar", _("Arabic")),
    ("hy", _("Armenian")),
    ("bn", _("Bengali")),
    ("ber", _("Berber (Tamazight)")),
    ("bg", _("Bulgarian")),
    ("zh", _("Chinese")),
    ("prs", _("Dari")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("fa", _("Farsi")),
    ("ff", _("Fula")),
    ("fr", _("French")),
    ("ka", _("Georgian")),
    ("de", _("German")),
    ("hi", _("Hindi")),
    ("it", _("Italian")),
    ("ku", _("Kurdish")),
    ("ln", _("Lingala")),
    ("mn", _("Mongolian")),
    ("ne", _("Nepali")),
    ("om", _("Oromo")),
    ("ps", _("Pashto")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("pa", _("Punjabi")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("so", _("Somali")),
    ("es", _("Spanish")),
    ("sw", _("Swahili")),
    ("tl", _("Tagalog")),
    ("ta", _("Tamil")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("wo", _("Wolof")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


def sorted_languages() -> list[tuple[str, str]]:
    """The choices sorted by their name in the active language."""
    return sorted(((code, str(name)) for code, name in LANGUAGE_CHOICES), key=lambda c: c[1])
