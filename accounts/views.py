from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm, SignUpForm
from accounts.permissions import request_user
from accounts.services import api_token_issue, user_create, user_display_name_change


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("courses:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("courses:home")
    return render(request, "accounts/sign_up.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST" and "issue_api_token" in request.POST and user.is_instructor:
        token = api_token_issue(user=user)
        return render(
            request,
            "accounts/profile.html",
            {"form": ProfileForm(initial={"display_name": user.display_name}), "api_token": token},
        )
    form = ProfileForm(request.POST or None, initial={"display_name": user.display_name})
    if request.method == "POST" and form.is_valid():
        if user_display_name_change(user=user, display_name=form.cleaned_data["display_name"]):
            messages.success(request, "Your name is saved; your certificates will show it.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
