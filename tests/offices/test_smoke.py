def test_offices_load(offices):
    assert len(offices) == 145
    assert offices["SMG"].region.name == "Jawa Tengah"
