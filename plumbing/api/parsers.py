"""The API's request parser."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python refused like any malformed one.

    Python's ``json`` module recurses once per level and raises ``RecursionError`` past about a
    thousand, which DRF does not catch: a 400 ``malformed-request`` instead of a 500.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from error
