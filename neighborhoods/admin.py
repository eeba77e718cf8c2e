from __future__ import annotations

from django.contrib import admin

from neighborhoods.models import Closure, District, Office, OpeningHours


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "street", "phone", "active"]
    list_filter = ["active", "district"]
    search_fields = ["name", "street"]
    filter_horizontal = ["staff"]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["office", "starts_on", "ends_on", "reason"]
    list_filter = ["office"]
    date_hierarchy = "starts_on"
