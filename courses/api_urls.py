app_name = "courses_api"
urlpatterns: list = []
