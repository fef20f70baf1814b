"""Django's admin: technical configuration for superusers only.

Client files and cases are not registered: they are read and written only through the
permission layer, and a superuser has no implicit access to them. Centre admins manage their
centre's users on their own screens (/centre/), which are scoped to their centre.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, Centre, Network, User, UserRole


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only
admin.site.site_header = _("Casework administration")


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "network"]
    list_select_related = ["network"]
    search_fields = ["name", "code"]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "centre", "is_active"]
    list_select_related = ["centre"]
    list_filter = ["centre", "is_active", "roles__role"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Casework"), {"fields": ("centre", "network", "language")}),
    )
    inlines = [UserRoleInline]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "centre", "kind", "reference"]
    list_select_related = ["user", "centre"]
    list_filter = ["centre", "kind"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
