"""
Logging in and out of the pages and of the admin, with failed logins
throttled: both login pages count on the same counters, so the admin's is
not a second set of guesses.

Failures are counted twice, per sender address and per username, so neither
one address trying many names nor many addresses trying one name gets more
than 5 guesses a minute; and 20 an hour, so a patient guesser is locked out
for the rest of the hour rather than paced. A successful login costs nothing.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse
from django_ratelimit.core import get_usage

from notifications import notify
from signals.permissions import client_key

LOGIN_FAILURES = ("5/m", "20/h")
THROTTLED = "Too many failed logins. Wait a while (up to an hour), then try again."


def username_key(group, request):
    return request.POST.get("username", "").strip().lower()[:150]


def report_failure(request):
    """A notification per failed or throttled attempt; the throttle of the
    notifications sums a guessing run up per address."""
    notify.login_failed(client_key(None, request), request.POST.get("username", ""))


KEYS = {"login-ip": client_key, "login-user": username_key}


def failures(request, increment=False):
    """True once any counter is at its limit (so the attempt after the last
    allowed failure is refused)."""
    limited = False
    for group, key in KEYS.items():
        for rate in LOGIN_FAILURES:
            usage = get_usage(
                request, group=group, key=key, rate=rate, increment=increment
            )
            if usage is not None and usage["count"] >= usage["limit"]:
                limited = True
    return limited


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if failures(request):
            report_failure(request)
            # Unbound: validating would check the password all the same.
            username = request.POST.get("username", "")
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled=THROTTLED)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        failures(self.request, increment=True)
        report_failure(self.request)
        return super().form_invalid(form)


class AdminLoginView(LoginView):
    """/admin/login/: the admin's own page and form (staff only), as
    AdminSite.login shows it, behind the throttle of /login/."""

    template_name = "admin/login.html"
    authentication_form = AdminAuthenticationForm
    # A logged-in user who is not staff would bounce between the admin and
    # this page; the admin's own rule instead: only staff skip the form.
    redirect_authenticated_user = False

    def get(self, request, *args, **kwargs):
        if admin.site.has_permission(request):
            return redirect("admin:index")
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("admin:index")

    def get_context_data(self, **kwargs):
        request = self.request
        request.current_app = admin.site.name
        return {
            **admin.site.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            **super().get_context_data(**kwargs),
        }


LogoutView = auth_views.LogoutView
