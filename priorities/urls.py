"""Pages arrive with the features of this app; they live under /la/<la_code>/schools/<urn>/."""

app_name = "priorities"
urlpatterns: list = []
