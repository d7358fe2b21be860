"""Decision support (beslutsstöd): symptom-searchable guidelines, urgency and care type.

Modules
-------
``model``       pure domain values: guidelines, criteria, urgency levels, care types,
                assessments, deviations (stdlib only, no I/O, no clock reads)
``schema``      field-by-field content schema; problems name file, field and problem
``configuration``  urgency levels, care types, deviation reasons, office hours
``content``     loading content directories (manifest, guidelines, regional overlays),
                ``check_content`` for the ``guidelines check`` command
``normalise``   text normalisation shared by the index and queries
``search``      ``GuidelineIndex``: typo-tolerant, compound-aware guideline search
``assessment``  ``assess``, ``decide`` and ``aggregate_deviations``
``errors``      the context's exceptions
``ports``       ``Actor`` (username, roles, regions), the clock type and who may do what
``document``    guidelines as JSON documents (stored content, API form), validated like files
``diff``        field-level differences between two versions of a guideline
``editorial``   the editorial workflow's states and rules (four-eyes approval)
``sql``         tables: guideline versions, review events, nurses' decisions
``repository``  reading stored versions and writing review events
``service``     ``GuidelineService``: library + published versions, index, workflow, decisions
``http``        ``routes(service, actor_of)`` under ``/api/v1/guidelines``
"""
