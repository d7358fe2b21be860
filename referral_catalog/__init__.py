"""Referral catalog (hänvisningskatalog): each region's care units and their opening hours.

Modules
-------
``model``          pure domain: ``CareUnit``, ``CareType``, ``TemporaryNotice``, ``AgeGroup``
                   (stdlib only, no I/O, no clock reads)
``hsa``            HSA-id validation (organisation number check digit via ``python-stdnum``)
``hours``          opening hours in Europe/Stockholm with Swedish holidays
                   (``opening-hours-py``, ``holidays``); notices override regular hours
``validation``     the library-backed checks of a whole unit, field by field
``weekday_hours``  the national directory's weekday JSON hours → OSM ``opening_hours``
``importing``      CSV/JSON import (all or nothing, ``RowError(row, field, problem)``)
``exporting``      CSV/JSON export in the shapes ``importing`` reads
``geo``            distances and municipality centres
``search``         ``CatalogIndex``: the nurse's filtered, ranked search and ``suggest``
``ranking``        how one query is evaluated (internal to ``search``)
``why``            the Swedish "why" texts of a hit, with a structured form
``demo_data``      deterministic, clearly fictional demo catalogs
``errors``         the context's exceptions
"""
