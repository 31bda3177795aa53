"""The owner's page of API tokens (/account/tokens/): list, create (the secret is shown once), revoke.

The writes are the accounts services (`token_create`, `token_revoke`: the policy and the audit log);
nothing here sees the secret after the response that shows it, and that response is not cached.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from renkei.accounts.models import ApiToken
from renkei.accounts.services import token_create, token_revoke
from renkei.core import policy
from renkei.organisations.models import Organisation
from renkei.organisations.policy import token_organisations
from renkei.portal.params import IdConverter  # noqa: F401  (registers the <id:...> converter)

EXPIRY_DAYS = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (365, _("1 year"))]


class OrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.key})"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “student system sync”.")
    )
    organisation = OrganisationChoice(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("The token acts with your roles at this organisation and its units only."),
        error_messages={
            "required": _(
                "Choose the organisation the token acts for: a token is bound to one organisation "
                "(and its units) and acts with your roles there only."
            ),
            "invalid_choice": _("Choose one of the organisations where you hold a role."),
        },
    )
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=[(ApiToken.Permission.READ, _("Read")), (ApiToken.Permission.WRITE, _("Write"))],
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiToken.Permission.READ],
    )
    expires_in = forms.TypedChoiceField(label=_("Expires after"), choices=EXPIRY_DAYS, coerce=int, initial=90)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


def _token_rows(user: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for token in policy.visible(user, ApiToken.objects.select_related("organisation")):
        if token.revoked_at is not None:
            state, label = "revoked", gettext("Revoked")
        elif token.expires_at <= now:
            state, label = "expired", gettext("Expired")
        else:
            state, label = "active", gettext("Active")
        rows.append({"token": token, "state": state, "state_label": label})
    return rows


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    organisations = token_organisations(request.user)
    form = TokenForm(request.POST or None, organisations=organisations)
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = token_create(
                actor=request.user,  # type: ignore[arg-type]  # login_required: a User
                organisation=data["organisation"],
                name=data["name"],
                permissions=data["permissions"],
                expires_at=timezone.now() + dt.timedelta(days=data["expires_in"]),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied:
            form.add_error("organisation", gettext("You hold no role at this organisation."))
        else:
            form = TokenForm(organisations=organisations)
    context = {
        "nav": "tokens",
        "form": form,
        "rows": _token_rows(request.user),
        "created": created[0] if created else None,
        "secret": created[1] if created else None,
        "has_organisations": organisations.exists(),
        "api_base": request.build_absolute_uri("/api/v1/"),
    }
    return render(request, "portal/account_tokens.html", context)


@never_cache
@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(policy.visible(request.user, ApiToken.objects.all()), pk=pk)
    token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]  # login_required: a User
    messages.success(request, gettext("The token %(prefix)s… is revoked.") % {"prefix": token.display_prefix})
    return redirect("portal:tokens")


urlpatterns = [
    path("account/tokens/", token_list, name="tokens"),
    path("account/tokens/<id:pk>/revoke/", token_revoke_view, name="token-revoke"),
]
