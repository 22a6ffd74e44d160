"""A partial index (city, object activity, verb, actor) of the statements not voided: the participation
counts of an activity (distinct actors and statements per verb) come from it without reading statements."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lrs", "0002_index_rows_with_stored_time"),
        ("network", "0002_add_city_membership"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                condition=models.Q(("voided", False)),
                fields=["city", "object_activity_id", "verb_id", "actor_key"],
                name="lrs_statement_participation",
            ),
        ),
    ]
