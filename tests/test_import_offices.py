"""manage.py import_offices: offices, opening hours and topics from a CSV file."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Topic
from neighborhoods.models import District, Office, OpeningHours

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "offices-example.csv"
HEADER = "Büro;Stadtteil;Straße;PLZ;Ort;Telefon;Wegbeschreibung;Öffnungszeiten;Themen\n"


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_offices", str(path), *args, stdout=out)
    return out.getvalue()


def csv_file(tmp_path: Path, rows: str, *, bom: bool = False) -> Path:
    path = tmp_path / "bueros.csv"
    path.write_text(("\ufeff" if bom else "") + HEADER + rows, encoding="utf-8")
    return path


def hours_of(office: Office) -> list[tuple[int, datetime.time, datetime.time]]:
    return list(office.opening_hours.values_list("weekday", "opens", "closes"))


def test_it_imports_the_documented_example(db):
    output = run(EXAMPLE)
    assert "Büros neu: 3" in output and "Import abgeschlossen." in output
    altstadt = Office.objects.get(name="Stadtteilbüro Altstadt")
    assert altstadt.district.name == "Altstadt"
    assert altstadt.address == "Kirchgasse 3, 66849 Landstuhl"
    assert str(altstadt.phone) == "+496371123450"
    assert altstadt.directions == "Eingang im Hof, Erdgeschoss"
    ten, twelve = datetime.time(10), datetime.time(12)
    assert sorted(hours_of(altstadt)) == sorted(
        [(day, ten, twelve) for day in range(5)] + [(3, datetime.time(15), datetime.time(18))]
    )
    atzel = Office.objects.get(name="Bürgertreff Atzel")
    assert hours_of(atzel) == [
        (1, datetime.time(14), datetime.time(17)),
        (2, datetime.time(9), twelve),
    ]
    assert not Office.objects.get(name="Dorfgemeinschaftshaus Melkerei").phone
    assert set(Topic.objects.values_list("name", flat=True)) >= {
        "Smartphone (Android)",
        "Videotelefonie",
        "Online-Dienste der Verwaltung",
    }


def test_importing_again_changes_nothing(db):
    run(EXAMPLE)
    before = list(OpeningHours.objects.values_list("pk", flat=True))
    output = run(EXAMPLE)
    assert "Büros neu: 0" in output and "Büros geändert: 0" in output
    assert "Büros unverändert: 3" in output and "Themen neu: 0" in output
    assert list(OpeningHours.objects.values_list("pk", flat=True)) == before
    assert Office.objects.count() == 3 and District.objects.count() == 3


def test_a_changed_row_updates_the_office_and_its_hours(db, tmp_path):
    run(csv_file(tmp_path, "Büro Nord;Nord;Weg 1;66849;Landstuhl;;;Mo 10-12;\n"))
    output = run(csv_file(tmp_path, "Büro Nord;Nord;Weg 2;66849;Landstuhl;;;Di 9:30-11;\n"))
    assert "Büros geändert: 1 (Büro Nord)" in output
    office = Office.objects.get(name="Büro Nord")
    assert office.street == "Weg 2"
    assert hours_of(office) == [(1, datetime.time(9, 30), datetime.time(11))]


def test_a_byte_order_mark_and_blank_lines_are_fine(db, tmp_path):
    run(csv_file(tmp_path, "Büro Süd;Süd;Weg 1;66849;Landstuhl;;;;\n;;;;;;;;\n", bom=True))
    assert Office.objects.filter(name="Büro Süd").exists()


def test_dry_run_shows_what_would_change_and_keeps_nothing(db):
    output = run(EXAMPLE, "--dry-run")
    assert "Büros neu: 3" in output and "Probelauf: nichts gespeichert." in output
    assert not Office.objects.exists() and not Topic.objects.exists()


def test_bad_rows_are_named_by_line_and_nothing_is_imported(db, tmp_path):
    path = csv_file(
        tmp_path,
        "Büro A;Nord;Weg 1;66849;Landstuhl;;;Mo 10-12;Tablet\n"
        "Büro B;Nord;Weg 2;6684;Landstuhl;;;;\n"
        "Büro C;Nord;Weg 3;66849;Landstuhl;12;;;\n"
        "Büro D;Nord;Weg 4;66849;Landstuhl;;;Montags früh;\n"
        "Büro E;Nord;Weg 5;66849;Landstuhl;;;Mo 12-10;\n"
        "Büro F;Nord;Weg 6;66849;Landstuhl;;;Mo 10-12, Mo 11-13;\n"
        "Büro A;Nord;Weg 7;66849;Landstuhl;;;;\n"
        ";Nord;Weg 8;66849;Landstuhl;;;;\n",
    )
    with pytest.raises(CommandError) as error:
        run(path)
    message = str(error.value)
    assert message.startswith("Nichts importiert:")
    assert "Zeile 3: Die Postleitzahl „6684“ hat nicht fünf Ziffern." in message
    assert "Zeile 4: „12“ ist keine gültige Telefonnummer." in message
    assert "Zeile 5: Öffnungszeit „Montags früh“ nicht verstanden" in message
    assert "Zeile 6: In „Mo 12-10“ muss das Büro öffnen, bevor es schließt." in message
    assert "Zeile 7: Zwei Öffnungszeiten am selben Tag überschneiden sich." in message
    assert "Zeile 8: Das Büro „Büro A“ steht schon in Zeile 2." in message
    assert "Zeile 9: Büro fehlt." in message
    assert not Office.objects.exists() and not Topic.objects.exists()


def test_wrong_columns_or_encoding_are_explained(db, tmp_path):
    path = tmp_path / "falsch.csv"
    path.write_text("Name;Adresse\nBüro;Weg 1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Zeile 1: Es fehlen die Spalten Büro, Stadtteil"):
        run(path)
    path.write_bytes((HEADER + "Büro Ö;Nord;Weg 1;66849;Landstuhl;;;;\n").encode("latin-1"))
    with pytest.raises(CommandError, match="nicht in UTF-8 gespeichert"):
        run(path)
    with pytest.raises(CommandError, match="gibt es nicht"):
        run(tmp_path / "fehlt.csv")
