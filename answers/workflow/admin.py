"""Clearance routes in the Django admin: Admins edit each department's route."""

from django.contrib import admin

from .models import ClearanceRoute, RouteStep


class RouteStepInline(admin.TabularInline):
    model = RouteStep
    extra = 1
    fields = ["position", "name", "user", "group"]
    autocomplete_fields = ["user"]


@admin.register(ClearanceRoute)
class ClearanceRouteAdmin(admin.ModelAdmin):
    list_display = ["department", "draft_working_days", "step_names"]
    search_fields = ["department__name"]
    autocomplete_fields = ["department"]
    list_select_related = ["department"]
    inlines = [RouteStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("steps")

    @admin.display(description="Steps, in order")
    def step_names(self, route):
        return " → ".join(step.name for step in route.steps.all()) or "None: cleared on submission"
