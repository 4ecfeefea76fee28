"""What tests of every folder share: API clients and readers of problem documents.

Factories and helpers of one kind of record stay beside its tests; what more than one folder needs
lives here, once.
"""
