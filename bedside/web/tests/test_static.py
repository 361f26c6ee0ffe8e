"""Production's static files: the manifest storage must be able to process every file we ship."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

VENDOR = Path(settings.BASE_DIR) / "bedside" / "static" / "vendor"
SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=(\S+)")


def test_no_vendored_file_names_a_source_map_that_is_not_shipped():
    missing = []
    for path in VENDOR.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for name in SOURCE_MAP.findall(path.read_bytes()):
            if not (path.parent / name.decode()).exists():
                missing.append(f"{path.relative_to(VENDOR)} -> {name.decode()}")
    assert missing == []


def test_collectstatic_with_the_production_storage_writes_a_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--no-input", verbosity=0)

    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"css/bedside.css"' in manifest
    assert '"vendor/chartjs-4.6.1/chart.umd.min.js"' in manifest
