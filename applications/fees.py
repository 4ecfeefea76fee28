"""Passport fees (PNBP), in rupiah, kept in one place with their legal basis.

Source: Peraturan Pemerintah No. 45 Tahun 2024 tentang Jenis dan Tarif atas Jenis PNBP yang
berlaku pada Kementerian Hukum dan HAM (the passport tariffs of its annex).
"""

LEGAL_BASIS = "PP 45/2024"

# (passport kind, validity in years) → fee.
BASE_FEES = {
    ("non_electronic", 5): 350_000,
    ("non_electronic", 10): 650_000,
    ("electronic", 5): 650_000,
    ("electronic", 10): 950_000,
}
EXPRESS_SURCHARGE = 1_000_000
REPLACEMENT_SURCHARGES = {
    "replacement_lost": 1_000_000,
    "replacement_damaged": 500_000,
}


def passport_fee(*, passport_kind: str, validity_years: int, service: str, application_type: str) -> int:
    """The fee of an application: base tariff, plus express service, plus a lost or damaged passport."""
    fee = BASE_FEES[(passport_kind, validity_years)]
    if service == "express":
        fee += EXPRESS_SURCHARGE
    return fee + REPLACEMENT_SURCHARGES.get(application_type, 0)
