import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A wrong field-encryption key stops the web process here, before any page shows garbage.
from casework.crypto import check_keys  # noqa: E402

check_keys()
