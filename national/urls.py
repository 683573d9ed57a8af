from django.contrib.auth.decorators import login_required
from django.urls import path

from . import views

app_name = "national"
urlpatterns = [path("<slug:body>/", login_required(views.national_home), name="home")]
