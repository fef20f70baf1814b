"""Home, language, and the centre admin's screens (users and roles, the access log)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import RuleBroken
from .forms import AccessLogFilterForm, LanguageForm, UserCreateForm, UserEditForm
from .models import AccessLog, Role, User, UserRole
from .paging import paginate
from .roles import role_required
from .services import (
    is_locked_out,
    user_create,
    user_language_set,
    user_reset_two_factor,
    user_unlock,
    user_update,
)
from .signin import two_factor


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their own screen; roles with no screen yet are told so."""
    user = request.user
    if user.is_counsellor:
        return redirect("caseload")
    if user.is_centre_admin:
        return redirect("centre_users")
    if user.is_icam_coach:
        return redirect("desk_home")
    if user.coordinates_something:
        return redirect("reports_dashboard")
    return render(request, "casework/nothing_yet.html")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language: on the account when signed in, in a cookie always."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect("home")
    language = form.cleaned_data["language"]
    # After a form error the page's URL is a POST-only one: go back to where the form was.
    target = form.cleaned_data["next"] or request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=request.is_secure(),
    )
    return response


def _centre_user_or_404(admin: User, pk: int) -> User:
    try:
        # Superusers are managed in Django's admin, never from a centre's screens.
        return User.objects.get(pk=pk, centre_id=admin.centre_id, is_superuser=False)
    except User.DoesNotExist:
        raise Http404 from None


@role_required(Role.CENTRE_ADMIN)
def centre_users(request: HttpRequest) -> HttpResponse:
    admin = request.user
    users = User.objects.filter(centre_id=admin.centre_id, is_superuser=False).prefetch_related(
        Prefetch("roles", queryset=UserRole.objects.order_by("role"))
    )
    page, query = paginate(request, users, settings.CASEWORK_PAGE_SIZE)
    return render(
        request,
        "casework/centre_users.html",
        {"page": page, "query": query, "centre": admin.centre},
    )


@role_required(Role.CENTRE_ADMIN)
def centre_user_create(request: HttpRequest) -> HttpResponse:
    admin = request.user
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(actor=admin, **form.cleaned_data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": user})
            return redirect("centre_users")
    return render(request, "casework/centre_user_form.html", {"form": form, "creating": True})


@role_required(Role.CENTRE_ADMIN)
def centre_user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin = request.user
    user = _centre_user_or_404(admin, pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "roles": sorted(user.role_set),
    }
    form = UserEditForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=admin, user=user, **form.cleaned_data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("centre_users")
    return render(
        request,
        "casework/centre_user_form.html",
        {
            "form": form,
            "edited_user": user,
            "creating": False,
            "locked": is_locked_out(user),
            "two_factor": two_factor.authenticator(user) is not None,
        },
    )


@role_required(Role.CENTRE_ADMIN)
@require_POST
def centre_user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    admin = request.user
    user = _centre_user_or_404(admin, pk)
    user_unlock(actor=admin, user=user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user})
    return redirect("centre_user_edit", pk=user.pk)


@role_required(Role.CENTRE_ADMIN)
@require_POST
def centre_user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    admin = request.user
    user = _centre_user_or_404(admin, pk)
    user_reset_two_factor(actor=admin, user=user)
    messages.success(
        request,
        _("%(name)s sets up two-factor sign-in again at the next sign-in.") % {"name": user},
    )
    return redirect("centre_user_edit", pk=user.pk)


@role_required(Role.CENTRE_ADMIN)
def access_log(request: HttpRequest) -> HttpResponse:
    admin = request.user
    form = AccessLogFilterForm(request.GET or None, centre_id=admin.centre_id)
    entries = AccessLog.objects.filter(centre_id=admin.centre_id).select_related("user")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            entries = entries.filter(user=data["user"])
        if data["kind"]:
            entries = entries.filter(kind=data["kind"])
        if data["reference"]:
            entries = entries.filter(reference__istartswith=data["reference"].strip())
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page, query = paginate(request, entries, 50)
    return render(request, "casework/access_log.html", {"form": form, "page": page, "query": query})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form in the site's layout and language, not Django's debug page."""
    return render(request, "403_csrf.html", status=403)
