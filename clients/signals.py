"""Signals for the apps built on top of clients, sent inside the transaction of the change.

``case_closed(case, actor)`` and ``case_transferred(case, actor, from_user, to_user)``: the
reminders app cancels or re-addresses a case's reminders on them.
"""

from django.dispatch import Signal

case_closed = Signal()
case_transferred = Signal()
