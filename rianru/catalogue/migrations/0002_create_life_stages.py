from django.db import migrations

LIFE_STAGES = [
    ("infants", 1, "เด็กอ่อน", "Infants", 0, 2),
    ("young_children", 2, "เด็กเล็ก", "Young children", 3, 5),
    ("school_age", 3, "วัยเรียน", "School age", 6, 17),
    ("working_age", 4, "วัยทำงาน", "Working age", 18, 59),
    ("older_people", 5, "ผู้สูงอายุ", "Older people", 60, None),
]


def create_life_stages(apps, schema_editor):
    LifeStage = apps.get_model("catalogue", "LifeStage")
    for code, position, name_th, name_en, age_min, age_max in LIFE_STAGES:
        LifeStage.objects.update_or_create(
            code=code,
            defaults={"position": position, "name_th": name_th, "name_en": name_en, "age_min": age_min, "age_max": age_max},
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(create_life_stages, migrations.RunPython.noop)]
