"""Journal (journal): the signed, access-logged record of every advice call.

Layout (a bounded context: never imports ``contactcenter`` or ``nurse_console``):

* :mod:`journal.model` — entries (journalanteckning), parties, phases, signing and
  amendment rules, the patient view (pure, stdlib only).
* :mod:`journal.access` — access decisions (behörighet): who opens, reads, writes and
  exports entries, from participation in the call (pure, stdlib only).
* :mod:`journal.identity_numbers` — personnummer, samordningsnummer, reservnummer.
* :mod:`journal.service` — :class:`~journal.service.JournalService`, the use cases.
* :mod:`journal.sql` — tables and the access log's append-only trigger DDL.
* :mod:`journal.access_log` — the append-only access log (åtkomstlogg).
* :mod:`journal.export` / :mod:`journal.fhir` — streaming JSON Lines, CSV, FHIR R4.
* :mod:`journal.http` — aiohttp routes; :mod:`journal.ports` — the :class:`Actor`, the
  clock and the call directory (who took part in a call) it needs from outside.
* :mod:`journal.config` — ``config/journal.toml``; :mod:`journal.demo_data` — demo data.
"""
