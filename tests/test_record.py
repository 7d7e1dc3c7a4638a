import json

import pytest

from relazione.errors import RecordError
from relazione.record import Record, load_record, record_from_dict, save_record


@pytest.mark.parametrize("raw, expected", [
    ("SI", "SI"), ("Si", "SI"), ("si", "SI"), ("S", "SI"), ("sì", "SI"), (True, "SI"),
    ("NO", "NO"), ("No", "NO"), ("n", "NO"), (False, "NO"),
])
def test_flags_are_normalised(raw, expected):
    assert Record(anno=2023, flags={"R16": raw}).flags == {"R16": expected}


def test_empty_flag_means_not_filled():
    assert Record(anno=2023, flags={"R16": None, "R17": ""}).flags == {}


def test_values_accept_numbers_italian_strings_and_year_objects():
    r = record_from_dict({"anno": 2023, "values": {"R06": "1.480.320,55", "R07": {"2017": 10, "2021": "12,5"}}})
    assert r.values["R06"] == 1480320.55
    assert r.value("R07") == 12.5


@pytest.mark.parametrize("data, field, reason", [
    ({"anno": 2023, "values": {"R99": 1}}, "values.R99", "codice sconosciuto"),
    ({"anno": 2023, "values": {"R04": "molti"}}, "values.R04", "non numerico"),
    ({"anno": 2023, "values": {"R04": True}}, "values.R04", "non numerico"),
    ({"anno": 2023, "flags": {"R16": "forse"}}, "flags.R16", "usare SI o NO"),
    ({"anno": 2023, "flags": {"R05": "SI"}}, "flags.R05", "nessun blocco"),
    ({"anno": 2019}, "anno", "fuori intervallo"),
    ({"anno": 2023, "values": {"R01A": 2}}, "values.R01A", "non esiste nel modulo 2023"),
    ({"anno": 2023, "values": {"R07": {"2020": 1}}}, "values.R07", "colonna"),
    ({"anno": 2023, "flag": {}}, "flag", "campo sconosciuto"),
    ({"values": {}}, "anno", "obbligatorio"),
])
def test_bad_input_names_field_and_reason(write_json, data, field, reason):
    path = write_json(data)
    with pytest.raises(RecordError) as info:
        load_record(path)
    err = info.value
    assert err.file == str(path) and err.field == field and reason in err.reason
    assert "\n" not in str(err)


def test_invalid_json_and_non_object(write_json):
    with pytest.raises(RecordError, match="JSON non valido alla riga 1"):
        load_record(write_json("{anno: 2023"))
    with pytest.raises(RecordError, match="oggetto JSON"):
        load_record(write_json([1, 2]))


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"anno": 2023, "r40": "attività"}'.encode("latin-1"))
    with pytest.raises(RecordError, match="UTF-8"):
        load_record(path)


def test_save_roundtrip_writes_canonical_flags_and_utf8(tmp_path):
    r = Record(comune="Città", anno=2024, values={"R03": 2315, "R07": {"2017": 1.5, "2021": 2}},
               flags={"R23": "si", "R24": False}, r40="Attività\r\nsvolte")
    path = tmp_path / "out" / "r.json"
    save_record(r, path)
    text = path.read_text(encoding="utf-8")
    assert "Città" in text and '"SI"' in text and '"NO"' in text
    data = json.loads(text)
    assert data["values"]["R03"] == 2315 and data["r40"] == "Attività\nsvolte"
    assert load_record(path) == Record.model_validate(data)
    assert list(path.parent.iterdir()) == [path]  # no temp file left behind


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    save_record(Record(anno=2023, r40="prima"), path)

    def boom(*args, **kwargs):
        raise OSError("disco pieno")

    monkeypatch.setattr("relazione.record.os.replace", boom)
    with pytest.raises(OSError):
        save_record(Record(anno=2023, r40="dopo"), path)
    assert load_record(path).r40 == "prima"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
