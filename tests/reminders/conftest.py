"""The referral fixtures serve the reminders of referrals too."""

from ..referrals.conftest import desk, lawyer, referral  # noqa: F401
