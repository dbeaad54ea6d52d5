"""Signing in, out and back: Django's views with our forms and limits, and the second factor."""

from django.urls import include, path

from accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("password_reset/", views.ResetView.as_view(), name="password_reset"),
    path("two-factor/", views.verify, name="two_factor"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="two_factor_codes"),
    # The rest as Django has them (logout, password change, the reset's later steps).
    path("", include("django.contrib.auth.urls")),
]
