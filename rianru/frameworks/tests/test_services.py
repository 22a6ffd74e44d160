import shutil

import pytest
from django.db.models import F
from django.utils import translation

from rianru.core.errors import ValidationFailed
from rianru.frameworks.models import KflcItem, ReferenceDataset, SdgGoal, SdgTarget
from rianru.frameworks.services import DATA_DIR, reference_load


def test_reference_load_ships_the_17_sdgs_the_sdg4_targets_and_the_kflc_framework(reference_data):
    assert SdgGoal.objects.count() == 17
    assert SdgGoal.objects.get(number=4).name_th == "การศึกษาที่มีคุณภาพ"
    assert SdgGoal.objects.get(number=4).colour == "#C5192D"
    assert list(SdgTarget.objects.filter(goal=4).values_list("code", flat=True))[:3] == ["4.1", "4.2", "4.3"]
    assert SdgTarget.objects.count() == 10
    assert KflcItem.objects.filter(level="area").count() == 3
    assert KflcItem.objects.filter(level="sub-area").count() == 12
    assert KflcItem.objects.filter(level="feature").count() == 42


def test_kflc_tree_links_features_to_sub_areas_and_sdgs(reference_data):
    feature = KflcItem.objects.get(code="2.1.3")
    assert feature.parent.code == "2.1"
    assert feature.parent.parent.code == "2"
    assert feature.title_th and feature.title_th != feature.title_en
    assert set(KflcItem.objects.get(code="1.1").sdg_goals.values_list("number", flat=True)) == {4, 5, 16}
    assert set(KflcItem.objects.get(code="2.4.2").sdg_goals.values_list("number", flat=True)) == {4, 17}


def test_every_kflc_item_has_a_thai_title(reference_data):
    assert not KflcItem.objects.filter(title_th="").exists()
    assert not KflcItem.objects.filter(title_th=F("title_en")).exists()


def test_reloading_is_idempotent_and_versioned(reference_data):
    assert all(result.changed for result in reference_data)
    again = reference_load()
    assert not any(result.changed for result in again)
    assert SdgGoal.objects.count() == 17
    dataset = ReferenceDataset.objects.get(name="kflc")
    assert dataset.rows == 57
    assert dataset.version == (DATA_DIR / "VERSION").read_text().strip()


def test_a_changed_file_is_reloaded_and_removed_rows_disappear(db, tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    reference_load(data_dir=tmp_path / "data")
    goals = (tmp_path / "data" / "sdg-goals.csv").read_text(encoding="utf-8").splitlines()
    edited = [line.replace("ขจัดความยากจน,ขจัดความยากจน", "ยุติความยากจน,ขจัดความยากจน") for line in goals[:-1]]
    (tmp_path / "data" / "sdg-goals.csv").write_text("\n".join(edited) + "\n", encoding="utf-8")
    results = {r.name: r for r in reference_load(data_dir=tmp_path / "data")}
    assert results["sdg-goals"].changed and not results["kflc"].changed
    assert SdgGoal.objects.get(number=1).name_th == "ยุติความยากจน"
    assert not SdgGoal.objects.filter(number=17).exists()


def test_a_missing_reference_file_is_a_clear_error_and_changes_nothing(db, tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "data")
    (tmp_path / "data" / "kflc.csv").unlink()
    with translation.override("en"), pytest.raises(ValidationFailed, match="kflc.csv is missing"):
        reference_load(data_dir=tmp_path / "data")
    assert SdgGoal.objects.count() == 0
    assert ReferenceDataset.objects.count() == 0
