"""The simulated dialplan.

``from-pstn`` and ``agents`` are modelled on the configuration the reference
recordings were made with (Stasis at priority 2, so events match them);
``radgivning-test`` follows config/asterisk/extensions.conf. Each extension
is a list of ``(application, data)`` steps run from priority 1.
"""
from __future__ import annotations

import re

Step = tuple[str, str]

#: Extensions of ``agents``: ``_age[n]t-X.`` and ``_age[n]t.`` (see extensions.conf).
_AGENT = re.compile(r"^agent.+")
_DIGITS = re.compile(r"^[0-9]+$")


def lookup(context: str, exten: str, app: str, caller: str = "",
           caller_name: str = "") -> list[Step] | None:
    """Steps for ``exten@context`` or None when the dialplan has no match.

    ``app`` is the Stasis application the dialplan hands calls to.
    """
    if context == "from-pstn" and _DIGITS.match(exten):
        return [("NoOp", f'Inbound call to {exten} from "{caller_name}" <{caller}>'),
                ("Stasis", f"{app},{exten}"), ("Hangup", "")]
    if context == "agents" and _AGENT.match(exten):
        return [("NoOp", f"Agent leg {exten}"), ("Stasis", f"{app},agent"), ("Hangup", "")]
    if context == "default" and _DIGITS.match(exten):
        return [("Goto", f"from-pstn,{exten},1")]
    if context == "radgivning-test":
        if exten == "nurse-auto":
            return [("NoOp", "Auto-answering test nurse"), ("Answer", ""), ("Wait", "3600"),
                    ("Hangup", "")]
        if exten == "inbound-caller":
            return [("NoOp", "Simulated inbound caller"), ("Set", "CALLERID(num)=+46701234567"),
                    ("Set", "CC_MUNICIPALITY=0180"), ("Goto", "from-pstn,1177,1")]
    return None


def known_label(context: str, exten: str, label: str) -> bool:
    """The sample dialplan defines no labels, so only numeric priorities exist."""
    return label == "" or label.isdigit()
