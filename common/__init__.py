"""What every app shares and that imports no app.

GOV.UK form wording and date inputs, edit conflicts, domain errors, the client's address, CSV
streaming and to-do items: the bottom layer (tests/test_import_layers.py).
"""
