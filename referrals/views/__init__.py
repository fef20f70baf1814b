from .desk import desk_home, desk_referral, desk_referral_feedback, desk_referral_status
from .directory import (
    desk_coach_add,
    desk_coach_remove,
    partner_create,
    partner_detail,
    partner_edit,
    partner_history,
    partner_list,
)
from .sender import (
    referral_create,
    referral_detail,
    referral_edit,
    referral_feedback,
    referral_history,
    referral_sheet,
    referral_status,
    referral_withdraw_consent,
)

__all__ = [
    "desk_coach_add",
    "desk_coach_remove",
    "desk_home",
    "desk_referral",
    "desk_referral_feedback",
    "desk_referral_status",
    "partner_create",
    "partner_detail",
    "partner_edit",
    "partner_history",
    "partner_list",
    "referral_create",
    "referral_detail",
    "referral_edit",
    "referral_feedback",
    "referral_history",
    "referral_sheet",
    "referral_status",
    "referral_withdraw_consent",
]
