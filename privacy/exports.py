"""One person's entries in the access log as a CSV file: the answer to a data-subject request.

The file says who read the person's data, when, from which address, through which door and at
which office. It never lists the other people a read showed beside them: the log's ``people``
column is left out, so answering one person's request discloses nobody else.
"""

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from privacy.models import PersonalDataAccess

# Leading characters a spreadsheet runs as a formula (OWASP): a username may start with "+", "-" or "@".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# UTF-8 with a byte order mark, so that spreadsheets read names correctly (as the reports' exports).
BOM = "\ufeff"


def accesses_csv_response(*, accesses: Iterable[PersonalDataAccess], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([_("at"), _("username"), _("client address"), _("door"), _("outcome"), _("office"), _("path")])
    for access in accesses:
        writer.writerow(
            [
                timezone.localtime(access.at).isoformat(),
                _text(access.username),
                access.address,
                access.door,
                access.outcome,
                access.office.code if access.office_id else "",
                _text(access.path),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
