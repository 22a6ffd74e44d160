"""Index rows carry the statement's stored time; actor/object rows become their own kinds (G, A)."""

from django.db import migrations, models

FILL_STORED = """
UPDATE lrs_statementindex SET stored = (
    SELECT s.stored FROM lrs_statement s WHERE s.id = lrs_statementindex.statement_id
)
"""
COPY_DIRECT = """
INSERT INTO lrs_statementindex (statement_id, city_id, kind, key, stored, direct)
SELECT statement_id, city_id, CASE kind WHEN 'g' THEN 'G' ELSE 'A' END, key, stored, direct
FROM lrs_statementindex WHERE direct AND kind IN ('g', 'a')
"""


class Migration(migrations.Migration):
    # PostgreSQL refuses ALTER TABLE after the INSERT in one transaction (deferred foreign-key checks).
    atomic = False
    dependencies = [("lrs", "0001_create_lrs")]

    operations = [
        migrations.AddField(model_name="statementindex", name="stored", field=models.DateTimeField(null=True)),
        migrations.RunSQL(FILL_STORED, migrations.RunSQL.noop),
        migrations.RunSQL(COPY_DIRECT, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="statementindex", name="lrs_statement_index_key"),
        migrations.RemoveField(model_name="statementindex", name="direct"),
        migrations.AlterField(model_name="statementindex", name="stored", field=models.DateTimeField()),
        migrations.AlterField(
            model_name="statementindex",
            name="kind",
            field=models.CharField(
                choices=[
                    ("g", "agent"),
                    ("G", "agent as actor or object"),
                    ("a", "activity"),
                    ("A", "activity as object"),
                    ("v", "verb"),
                    ("r", "registration"),
                ],
                max_length=1,
            ),
        ),
        migrations.AddIndex(
            model_name="statementindex",
            index=models.Index(fields=["city", "kind", "key", "stored", "statement"], name="lrs_statement_index_key"),
        ),
    ]
