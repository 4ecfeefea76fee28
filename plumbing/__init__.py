"""What every app of Imigrasi builds on and none of them owns.

Errors as problem documents, the API's authentication, pagination, filtering, parsing and
idempotency keys, the middleware that refuses requests no part of the system can hold, the origin
of each change, the client's address, the cache, the login lockout and the limits of free text.
It imports no app of the project: the apps import it, and the project package (``imigrasi``)
wires them together.
"""
