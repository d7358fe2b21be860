"""Sound files the simulator knows, with their lengths in seconds.

The ids are the ones the recorded Asterisk reported (tests/fixtures/ari/sounds.json,
first 20 of 568) plus the common core sounds the contact center uses; lengths
are plausible values for the English core sounds.
"""
from __future__ import annotations

import re
from typing import Any

DEFAULT_LENGTH = 2.0

SOUND_LENGTHS: dict[str, float] = {
    "hello-world": 1.5, "agent-loggedoff": 1.2, "conf-now-unmuted": 1.3,
    "queue-minutes": 0.7, "phonetic/y_p": 0.5, "conf-thereare": 0.8,
    "to-listen-to-it": 1.0, "vm-Urgent": 0.6, "conf-errormenu": 4.5,
    "confbridge-leave": 1.0, "digits/70": 0.5, "im-sorry": 0.8,
    "confbridge-inc-list-vol-in": 3.0, "letters/asterisk": 0.7,
    "to-call-this-number": 1.2, "conf-adminmenu": 6.0,
    "confbridge-remove-last-in": 3.0, "digits/billion": 0.6, "phonetic/h_p": 0.5,
    "vm-goodbye": 0.9, "queue-minute": 0.6, "beep": 0.3, "demo-congrats": 8.0,
    "pls-hold-while-try": 2.6, "queue-thankyou": 1.6, "queue-callswaiting": 1.4,
    "queue-holdtime": 1.7, "queue-thereare": 0.9, "queue-youarenext": 1.3,
    "queue-periodic-announce": 4.0, "please-try-again": 1.2, "goodbye": 0.8,
    "welcome": 0.8, "tt-monkeys": 6.0, "tt-weasels": 3.8, "vm-options": 3.5,
    "invalid": 1.2, "auth-thankyou": 0.9, "pbx-invalid": 2.0, "custom/welcome": 3.0,
    "transfer": 0.6, "one-moment-please": 1.2, "silence/1": 1.0,
    "vm-enter-num-to-call": 2.4, "ss-noservice": 3.2, "vm-press": 0.5, "vm-for": 0.4,
    "vm-intro": 2.6, "vm-theperson": 0.8, "vm-isunavail": 1.6, "vm-nobodyavail": 2.2,
    "vm-sorry": 0.8, "vm-star-cancel": 2.0, "vm-then-pound": 1.7, "vm-and": 0.4,
    "please-hold": 0.9, "hold-music": 30.0, "thank-you-for-calling": 1.4,
    "queue-reporthold": 1.0, "queue-seconds": 0.6, "queue-less-than": 0.7,
    "queue-quantity1": 1.9, "queue-quantity2": 1.4, "your-call-is-important": 2.5,
    "all-circuits-busy-now": 1.8, "an-error-has-occurred": 1.6, "cannot-complete-as-dialed": 2.8,
    "connecting": 0.8, "dir-welcome": 2.0, "enter-ext-of-person": 2.2, "followme/pls-hold-while-try": 2.6,
    "hangup-try-again": 1.9, "option-is-invalid": 1.2, "press-1": 0.7, "press-2": 0.7,
    "press-pound": 0.8, "press-star": 0.8, "privacy-thankyou": 0.9, "to-hear-menu-again": 1.4,
    "tt-allbusy": 4.5, "wait-moment": 0.9, "you-entered": 0.8, "for": 0.3, "or": 0.3,
    "please-enter-your": 1.0, "number": 0.5, "and": 0.3, "minutes": 0.6, "seconds": 0.6,
}
for _letter in "abcdefghijklmnopqrstuvwxyz":
    SOUND_LENGTHS[f"letters/{_letter}"] = 0.5
for _n in list(range(21)) + [30, 40, 50, 60, 80, 90]:
    SOUND_LENGTHS[f"digits/{_n}"] = 0.5
for _word in ("hundred", "thousand", "million", "star", "pound", "minus", "oclock"):
    SOUND_LENGTHS[f"digits/{_word}"] = 0.6
for _n in range(2, 11):
    SOUND_LENGTHS[f"silence/{_n}"] = float(_n)


def sound_exists(sound_id: str) -> bool:
    return sound_id in SOUND_LENGTHS or re.fullmatch(r"silence/\d+", sound_id) is not None


def media_length(uri: str, stored: dict[str, dict[str, Any]]) -> float | None:
    """Length of one media URI; None when it cannot be played (missing file)."""
    scheme, _, rest = uri.partition(":")
    if scheme == "sound":
        if re.fullmatch(r"silence/\d+", rest):
            return float(rest.split("/")[1])
        return SOUND_LENGTHS.get(rest) if sound_exists(rest) else None
    if scheme == "recording":
        rec = stored.get(rest)
        return float(rec.get("duration") or 1) if rec else None
    if scheme == "digits":
        return 0.5 * max(len(rest), 1)
    if scheme == "characters":
        return 0.6 * max(len(rest), 1)
    if scheme == "number":
        return 0.7 * max(len(rest.lstrip("-")), 1)
    if scheme == "tone":
        return 2.0
    return DEFAULT_LENGTH


def sound_json(sound_id: str) -> dict[str, Any]:
    """The ARI Sound model."""
    return {"id": sound_id, "formats": [{"language": "en", "format": "gsm"},
                                        {"language": "en", "format": "slin"}]}
