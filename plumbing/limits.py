"""How long free text may be, said once for the model fields, the API and the admin forms.

No field of ours needs megabytes: an address fits on an envelope, a note or a reason is a
paragraph. The limits refuse what no clerk types (the hostile-client pass stored 2.5 MB in an
address) while leaving room for the longest real one.
"""

# An address in Indonesia with its RT/RW, kelurahan, kecamatan, city and postcode, or a sponsor's.
ADDRESS_MAX_LENGTH = 500
# A note on a step, a reason for a refusal or a cancellation, an outage's reason or resolution.
NOTE_MAX_LENGTH = 2000
