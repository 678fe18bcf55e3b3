from kg.text import ascii_key, fold_tones, key, nfc, slug


def test_tone_placement_folds_both_ways():
    assert key("Tỉnh uỷ") == key("Tỉnh ủy") == key("TỈNH ỦY")
    assert key("hoà bình") == key("hòa bình")
    assert fold_tones("khoẻ mạnh") == "khỏe mạnh"


def test_qu_is_a_consonant_so_quy_keeps_its_mark():
    assert fold_tones("quý") == "quý"


def test_lookalike_eth_becomes_d_with_stroke():
    assert nfc("\u00d0ảng") == "Đảng"


def test_nfd_input_is_composed():
    decomposed = "Nghie\u0302\u0300m"
    assert key(decomposed) == key("Nghiềm")


def test_ascii_key_and_slug():
    assert ascii_key("Nghiêm Xuân Thành") == "nghiem xuan thanh"
    assert ascii_key("Đồng Tháp") == "dong thap"
    assert slug("20-CT/TU") == "20-ct-tu"
    assert slug("Hậu Giang") == "hau-giang"
