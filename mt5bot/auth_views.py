"""
Logging in and out of the pages, with failed logins throttled.

Failures are counted twice, per sender address and per username, so neither
one address trying many names nor many addresses trying one name gets more
than 5 guesses a minute; and 20 an hour, so a patient guesser is locked out
for the rest of the hour rather than paced. A successful login costs nothing.
"""

from django.contrib.auth import views as auth_views
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


LogoutView = auth_views.LogoutView
