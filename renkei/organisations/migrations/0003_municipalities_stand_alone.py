"""Municipalities are organisations of their own, located in their prefecture, not units of it.

Until now the demo loaded the 35 municipalities of Yamagata as children of 山形県 with keys such as
`yamagata-pref.yamagata-city`. This moves every municipality that hangs from a prefecture to the top
level and drops the prefecture's key from its own (`yamagata-city`), unless that key is taken. The
prefecture code they already carry says where they are. Rows keep their primary keys, so memberships,
participations, programs and audit entries that point at them keep working; the portal redirects the
old URLs (`renkei.organisations.selectors.organisation_renamed`).

Written with QuerySet.update: a schema-level correction of derived keys, not an edit by a person,
so it leaves no audit entries (like the other data migrations).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    taken = set(Organisation.objects.values_list("key", flat=True))
    moved = Organisation.objects.filter(kind="municipality", parent__kind="prefecture").select_related("parent")
    for municipality in moved:
        prefix = f"{municipality.parent.key}."
        key = municipality.key
        if key.startswith(prefix) and key[len(prefix):] not in taken:
            taken.discard(key)
            key = key[len(prefix):]
            taken.add(key)
        Organisation.objects.filter(pk=municipality.pk).update(key=key, parent=None)


def backwards(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    prefectures = {o.prefecture: o for o in Organisation.objects.filter(kind="prefecture", parent=None)}
    for municipality in Organisation.objects.filter(kind="municipality", parent=None):
        prefecture = prefectures.get(municipality.prefecture)
        if prefecture is not None:
            Organisation.objects.filter(pk=municipality.pk).update(
                key=f"{prefecture.key}.{municipality.key}", parent=prefecture
            )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_keys_and_number_ranges")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
