"""URLs of the console's shell, under /console/ (the feature apps mount theirs beside it)."""

from django.urls import path

from server.console import views

app_name = "console"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
