from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from renkei.core.admin import PolicyAdmin, PolicyInline
from renkei.networks.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyParticipant,
    Decision,
    DeclaredCount,
    Document,
    DocumentVersion,
    Meeting,
    Membership,
    Network,
    NetworkStaff,
    Post,
    Tenure,
)


class DeclaredCountInline(PolicyInline):
    model = DeclaredCount


class NetworkStaffInline(PolicyInline):
    model = NetworkStaff
    autocomplete_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(PolicyAdmin):
    list_display = ["name_ja", "name_en", "kind", "founded_on"]
    list_filter = ["kind"]
    search_fields = ["name_ja", "name_en", "short_name_ja", "short_name_en", "key"]
    inlines = [DeclaredCountInline, NetworkStaffInline]
    filter_horizontal = ["sources"]


@admin.register(Membership)
class MembershipAdmin(PolicyAdmin):
    list_display = ["organisation", "network", "role", "category_ja", "start_date", "end_date"]
    list_filter = ["network", "role", "organisation__kind", "start_date"]
    search_fields = ["organisation__name_ja", "organisation__name_en", "network__name_ja", "category_ja"]
    autocomplete_fields = ["organisation", "on_behalf_of", "network"]
    list_select_related = ["organisation", "network"]
    date_hierarchy = "start_date"


class DocumentVersionInline(PolicyInline):
    model = DocumentVersion
    fields = ["number", "adopted_on", "effective_from", "change_summary", "source"]
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(PolicyAdmin):
    list_display = ["title_ja", "network", "kind"]
    list_filter = ["network", "kind"]
    search_fields = ["title_ja", "title_en"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(PolicyAdmin):
    list_display = ["document", "number", "adopted_on", "effective_from"]
    list_filter = ["document__network"]
    search_fields = ["document__title_ja", "text_ja", "text_en"]


class PostInline(PolicyInline):
    model = Post
    fields = ["role", "label_ja", "label_en", "selection", "seats"]
    show_change_link = True


class ParticipantInline(PolicyInline):
    model = BodyParticipant
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "responsibilities_ja", "responsibilities_en", "sort_order"]


@admin.register(Body)
class BodyAdmin(PolicyAdmin):
    list_display = ["name_ja", "network", "kind", "reports_to_body", "reports_to_post", "hosted_by"]
    list_filter = ["network", "kind"]
    search_fields = ["name_ja", "name_en"]
    autocomplete_fields = ["hosted_by"]
    inlines = [PostInline, ParticipantInline]


class TenureInline(PolicyInline):
    model = Tenure
    autocomplete_fields = ["person", "on_behalf_of"]


@admin.register(Post)
class PostAdmin(PolicyAdmin):
    list_display = ["label_ja", "body", "role", "selection"]
    list_filter = ["body__network", "role", "selection"]
    search_fields = ["label_ja", "label_en", "body__name_ja"]
    inlines = [TenureInline]


class AgendaItemInline(PolicyInline):
    model = AgendaItem


class AttendanceInline(PolicyInline):
    model = Attendance
    autocomplete_fields = ["organisation"]


class DecisionInline(PolicyInline):
    model = Decision


@admin.register(Meeting)
class MeetingAdmin(PolicyAdmin):
    list_display = ["title_ja", "body", "held_on", "is_public"]
    list_filter = ["body__network", "body", "is_public"]
    search_fields = ["title_ja", "title_en", "minutes_ja", "minutes_en"]
    date_hierarchy = "held_on"
    inlines = [AgendaItemInline, AttendanceInline, DecisionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "body",
                    "title_ja",
                    "title_en",
                    "held_on",
                    "location_ja",
                    "location_en",
                    "is_public",
                ]
            },
        ),
        (_("Minutes"), {"fields": ["minutes_ja", "minutes_en", "source"]}),
    ]


@admin.register(NetworkStaff)
class NetworkStaffAdmin(PolicyAdmin):
    list_display = ["user", "network"]
    list_filter = ["network"]
    autocomplete_fields = ["user", "network"]
