"""Validating FHIR Bundles with the ``fhir.resources`` models, fast enough for bulk export.

Validation (see :class:`ShapeChecker`). Every Bundle is checked against the
``fhir.resources`` models, in one of two ways that accept exactly the same Bundles:

* **full** (``fhir_chunk_factory(..., full_validation=True)``, and every entry in
  the tests): the whole Bundle goes through the library's pydantic validation
  (:class:`Validator`, which reuses already validated equal sub-elements).
* **shape** (the default for exports): a Bundle's *shape* -- its keys, nesting, list
  lengths, resource types and leaf Python types -- is validated once per export
  through the library's full validation (so the first entry of every export, and
  the first entry of every new shape, e.g. with or without a referral, is fully
  validated). For later entries of an already validated shape only the values can
  differ, so each leaf value is checked with the library's own primitive type for
  that element (``fhir_core`` ``Code``, ``Id``, ``String``, ``DateTime``,
  ``Instant``, ``Uri``, ... -- the very pydantic types the models are made of; values
  already accepted for a type are remembered). The models' other checks
  (required elements, choice types, no unknown or empty elements) depend on the
  shape only. The output is the same compact JSON either way; tests compare both
  paths and parse every exported resource back through the library.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import TypeAdapter

_MODELS: dict[str, Any] = {
    "Encounter": Encounter, "Condition": Condition, "Observation": Observation,
    "ServiceRequest": ServiceRequest, "Composition": Composition,
}


def _element_fields(model_class: Any) -> dict[str, tuple[str, bool, Any]]:
    """alias -> (attribute name, is a list, element class) for a resource's complex fields."""
    spec = {}
    for name, info in model_class.model_fields.items():
        annotation, is_list = info.annotation, False
        for _ in range(3):  # unwrap Optional[...] and List[...]
            if hasattr(annotation, "get_model_klass"):
                break
            if typing.get_origin(annotation) is list:
                is_list = True
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if not args:
                break
            annotation = args[0]
        if hasattr(annotation, "get_model_klass"):
            spec[info.alias or name] = (name, is_list, annotation.get_model_klass())
    return spec


class Validator:
    """Validates Bundles with the FHIR model library, fast enough for bulk export.

    Every resource is validated by its model class. A complex element (coding,
    reference, participant, section, ...) that was already validated with an equal
    value is handed to the model as the validated instance, which pydantic accepts
    without validating again; new values are validated as part of the resource and
    their instances kept for next time. Codes, units, nurses and care providers
    repeat across an export, and the subject and encounter references repeat in every
    resource of a Bundle, so this saves a large share of the work. The cache is
    bounded (cleared when full) so memory stays flat; ``max_cached=0`` disables it.
    """

    def __init__(self, max_cached: int = 5_000) -> None:
        self._cache: dict[tuple[Any, str], Any] = {}
        self._max = max_cached
        self._fields = {rt: _element_fields(cls) for rt, cls in _MODELS.items()}

    def resource(self, resource: dict[str, Any]) -> Any:
        """Validate one resource dict; returns the model instance."""
        kind = resource["resourceType"]
        model_class = _MODELS.get(kind)
        if model_class is None:
            raise ValueError(f"no model for {kind}")
        if not self._max:
            return model_class.model_validate(resource)
        spec = self._fields[kind]
        data: dict[str, Any] = {}
        missed: list[tuple[Any, str, str, int | None]] = []
        for key, value in resource.items():
            element = spec.get(key)
            if element is None:
                data[key] = value
            elif element[1] and isinstance(value, list):
                items = []
                for i, v in enumerate(value):
                    r = repr(v)
                    hit = self._cache.get((element[2], r))
                    items.append(v if hit is None else hit)
                    if hit is None:
                        missed.append((element[2], element[0], r, i))
                data[key] = items
            else:
                r = repr(value)
                hit = self._cache.get((element[2], r))
                data[key] = value if hit is None else hit
                if hit is None:
                    missed.append((element[2], element[0], r, None))
        model = model_class.model_validate(data)
        if missed and len(self._cache) + len(missed) > self._max:
            self._cache.clear()
        for element_class, attr, r, index in missed:
            value = getattr(model, attr)
            self._cache[(element_class, r)] = value if index is None else value[index]
        return model

    def bundle(self, bundle: dict[str, Any]) -> Bundle:
        """Validate a Bundle dict: each resource, then the envelope on its own."""
        for item in bundle["entry"]:
            self.resource(item["resource"])
        return Bundle.model_validate(
            {**bundle, "entry": [{"fullUrl": item["fullUrl"]} for item in bundle["entry"]]})


def validate(bundle: dict[str, Any]) -> Bundle:
    """Validate a Bundle dict with the FHIR model library, without caching (raises on
    any violation)."""
    return Validator(max_cached=0).bundle(bundle)


# Shape tokens besides keys (str) and non-str leaf types: small ints never equal a key.
_OPEN, _LIST, _END = 0, 1, 2


def _walk(value: dict[str, Any], leaves: list[Any], shape: list[Any]) -> dict[str, Any]:
    """:func:`prune_empty` a dict (same result), also appending its leaf values to ``leaves``
    and its shape (keys, nesting, leaf types, resource types) to ``shape``."""
    out = {}
    for k, v in value.items():
        t = type(v)
        if t is str:
            if v:
                out[k] = v
                if k == "resourceType":  # picks the model: part of the shape
                    shape.append((k, v))
                else:
                    shape.append(k)
                    leaves.append(v)
        elif t is dict:
            mark = len(shape)
            shape.append(k)
            shape.append(_OPEN)
            sub = _walk(v, leaves, shape)
            if sub:
                out[k] = sub
                shape.append(_END)
            else:  # left out; it added no leaves
                del shape[mark:]
        elif t is list:
            if v:
                shape.append(k)
                out[k] = _walk_list(v, leaves, shape)
        elif v is not None and v != "":  # (a str subclass: as prune_empty)
            out[k] = v
            shape.append((k, t))
            leaves.append(v)
    return out


def _walk_list(value: list[Any], leaves: list[Any], shape: list[Any]) -> list[Any]:
    shape.append(_LIST)
    items: list[Any] = []
    for x in value:
        t = type(x)
        if t is dict:
            shape.append(_OPEN)
            items.append(_walk(x, leaves, shape))
            shape.append(_END)
        elif t is list:
            items.append(_walk_list(x, leaves, shape))
        else:
            items.append(x)
            shape.append(t)
            leaves.append(x)
    shape.append(_END)
    return items


class _LeafCheck:
    """One FHIR primitive type of the model library (a pydantic ``TypeAdapter`` of the
    element's annotated type), remembering the values it already accepted."""

    __slots__ = ("adapter", "name", "seen")

    def __init__(self, annotation: Any, metadata: list[Any]) -> None:
        self.name = repr(annotation)
        self.adapter = TypeAdapter(Annotated[annotation, *metadata] if metadata else annotation)
        self.seen: set[Any] = set()


class ShapeChecker:
    """Checks Bundle dicts against the FHIR models, validating each *shape* once.

    A Bundle whose shape was not seen yet goes through the library's full validation
    (:class:`Validator`); then the primitive type of each of its leaves is read from
    the models, in walk order. A later Bundle of the same shape is valid exactly when
    each leaf value is valid for its primitive type, which is checked with the same
    pydantic types the models use (values already accepted are remembered, in a
    bounded set). ``check`` returns the pruned Bundle (as :func:`entry_bundle`)."""

    def __init__(self, max_shapes: int = 2_000, max_seen: int = 20_000) -> None:
        self.validator = Validator()
        self._shapes: dict[tuple[Any, ...], list[_LeafCheck]] = {}
        self._specs: dict[Any, dict[str, tuple[Any, Any]]] = {}
        self._checks: dict[str, _LeafCheck] = {}
        self._max_shapes, self._max_seen = max_shapes, max_seen
        self.full_validations = 0

    def check(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Prune and validate an unpruned Bundle dict (raises on any violation)."""
        leaves: list[Any] = []
        shape: list[Any] = []
        bundle = _walk(raw, leaves, shape)
        key = tuple(shape)
        checks = self._shapes.get(key)
        if checks is None:
            self._full(bundle)
            checks = []
            self._leaf_types(bundle, Bundle, checks)
            if len(checks) != len(leaves):  # pragma: no cover - walk orders differ
                raise AssertionError("shape walk and model walk disagree")
            if len(self._shapes) >= self._max_shapes:
                self._shapes.clear()
            self._shapes[key] = checks
            for c, v in zip(checks, leaves, strict=True):
                c.seen.add(v)
            return bundle
        for c, v in zip(checks, leaves):
            seen = c.seen
            if v not in seen:
                c.adapter.validate_python(v)
                if len(seen) >= self._max_seen:
                    seen.clear()
                seen.add(v)
        return bundle

    def _full(self, bundle: dict[str, Any]) -> None:
        self.full_validations += 1
        self.validator.bundle(bundle)

    def _spec(self, model_class: Any) -> dict[str, tuple[Any, Any]]:
        spec = self._specs.get(model_class)
        if spec is None:
            spec = {}
            for name, info in model_class.model_fields.items():
                annotation = info.annotation
                for _ in range(3):  # unwrap Optional[...] and List[...]
                    if hasattr(annotation, "get_model_klass"):
                        break
                    args = [a for a in typing.get_args(annotation) if a is not type(None)]
                    if typing.get_origin(annotation) is typing.Annotated or not args:
                        break
                    if len(args) > 1:  # a true union (only ``fhir_comments``): kept whole
                        annotation = typing.Union[tuple(args)]  # noqa: UP007
                        break
                    annotation = args[0]
                if hasattr(annotation, "get_model_klass"):
                    spec[info.alias or name] = (annotation.get_model_klass(), None)
                else:
                    check_name = repr((annotation, info.metadata))
                    check = self._checks.get(check_name)
                    if check is None:
                        check = self._checks[check_name] = _LeafCheck(annotation,
                                                                       list(info.metadata))
                    spec[info.alias or name] = (None, check)
            self._specs[model_class] = spec
        return spec

    def _leaf_types(self, value: dict[str, Any], model_class: Any,
                    out: list[_LeafCheck]) -> None:
        if "resourceType" in value:
            model_class = get_fhir_model_class(value["resourceType"])
        spec = self._spec(model_class)
        for k, v in value.items():
            if k == "resourceType":
                continue
            element, check = spec[k]
            self._leaf_types_of(v, element, check, out)

    def _leaf_types_of(self, v: Any, element: Any, check: Any, out: list[_LeafCheck]) -> None:
        if type(v) is dict:
            self._leaf_types(v, element, out)
        elif type(v) is list:
            for x in v:
                self._leaf_types_of(x, element, check, out)
        else:
            out.append(check)
