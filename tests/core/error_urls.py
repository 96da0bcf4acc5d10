"""The project's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from bonetrack.urls import urlpatterns as project_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken_view), *project_urlpatterns]
