"""Stay permit fees (PNBP), in rupiah, kept in one place with their sources.

Each permit type has tariffs by the longest validity they cover; an application pays the first
tariff whose term covers the validity it asks for.

Sources:
- ITK: Peraturan Pemerintah No. 45 Tahun 2024 (PNBP of the ministry), as published on
  imigrasi.go.id/biaya_imigrasi: up to 30 days Rp500,000, up to 60 days Rp1,000,000.
- ITAS up to 2 years: the tariffs published by the Kanwil Sulawesi Tengah (sippn.menpan.go.id),
  re-entry permit included: up to 6 months Rp1,600,000, 1 year Rp2,500,000, 2 years Rp3,750,000.
- ITAS of 5 and 10 years (investors) and ITAP: not found in a published source at the time of
  writing; the figures below are placeholders to be checked against the annex of PP 45/2024 before
  production (docs/decisions.md).
"""

from datetime import date

from dateutil.relativedelta import relativedelta

LEGAL_BASIS = "PP 45/2024"
OVERSTAY_FINE_PER_DAY = 1_000_000  # UU 6/2011 art. 78: Rp1,000,000 for each day of overstay

# permit type → [(longest term covered, fee)], shortest first.
TARIFFS: dict[str, list[tuple[relativedelta, int]]] = {
    "ITK": [(relativedelta(days=30), 500_000), (relativedelta(days=60), 1_000_000)],
    "ITAS": [
        (relativedelta(months=6), 1_600_000),
        (relativedelta(years=1), 2_500_000),
        (relativedelta(years=2), 3_750_000),
        (relativedelta(years=5), 7_500_000),
        (relativedelta(years=10), 12_500_000),
    ],
    "ITAP": [(relativedelta(years=5), 5_000_000)],
}


def permit_fee(*, permit_type: str, valid_from: date, valid_until: date) -> int | None:
    """The fee of a permit valid from ``valid_from`` to ``valid_until`` (both days included).

    None when no tariff covers the term: the validity rules refuse such a request first.
    """
    for term, fee in TARIFFS[permit_type]:
        if valid_until < valid_from + term:
            return fee
    return None
