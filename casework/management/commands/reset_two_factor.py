"""Reset a user's two-factor sign-in from the server (for an account no centre admin can
reach: a superuser, a coordinator of a network, or the last centre admin)."""

from django.core.management.base import BaseCommand, CommandError

from casework.models import User
from casework.signin import two_factor


class Command(BaseCommand):
    help = "Remove a user's authenticator app and backup codes; they set up a new app at sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("There is no user with that username.")
        two_factor.reset(user=user, actor=None)
        self.stdout.write(f"Two-factor sign-in of user {user.pk} reset.")
