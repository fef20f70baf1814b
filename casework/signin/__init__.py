"""Sign-in security: two-factor sign-in (two_factor, views), the idle timeout (idle).

The lockout after failed sign-ins is django-axes', set in config/settings.py; unlocking is a
centre admin's service (casework.services.user_unlock)."""
