"""Read-only helpers over the official OpenAPI spec of Pinterest API v5.

Used by ``tools/schemas.py`` to check the data model against the spec and to
generate analytics metric columns. The spec is read from
``<repo>/../shared/pinterest-openapi/openapi.json`` (never copied into the
repository).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPEC_PATH = REPO.parent / "shared" / "pinterest-openapi" / "openapi.json"

#: Marker returned by :meth:`Spec.lookup` when the schema cannot tell (a
#: free-form object): the path may exist, but the spec does not type it.
UNTYPED = "untyped"


class Spec:
    """The OpenAPI document plus $ref / allOf / oneOf aware lookups."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._params: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}

    @classmethod
    def load(cls, path: Path | str = DEFAULT_SPEC_PATH) -> Spec:
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    # -- references ---------------------------------------------------------

    def deref(self, node: Any) -> Any:
        """Follow ``$ref`` chains until a concrete node."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"external $ref not supported: {ref}")
            target: Any = self.data
            for part in ref[2:].split("/"):
                target = target[part]
            node = target
            seen += 1
            if seen > 50:
                raise ValueError(f"$ref loop at {ref}")
        return node

    # -- operations ---------------------------------------------------------

    def operation(self, path: str, method: str = "get") -> dict[str, Any] | None:
        item = self.data.get("paths", {}).get(path)
        if item is None:
            return None
        return item.get(method)

    def parameters(self, path: str, method: str = "get") -> dict[str, dict[str, Any]]:
        """Parameters of one operation by name (path-level ones included)."""
        if (path, method) in self._params:
            return self._params[(path, method)]
        out: dict[str, dict[str, Any]] = {}
        item = self.data["paths"][path]
        for raw in list(item.get("parameters", [])) + list(item[method].get("parameters", [])):
            p = self.deref(raw)
            out[p["name"]] = p
        self._params[(path, method)] = out
        return out

    def param_schema(self, path: str, name: str) -> dict[str, Any]:
        return self.deref(self.parameters(path)[name].get("schema", {}))

    def param_enum(self, path: str, name: str) -> list[Any]:
        """Allowed values of a parameter (of its items for arrays), in spec order."""
        schema = self.param_schema(path, name)
        if schema.get("type") == "array":
            schema = self.deref(schema.get("items", {}))
        return _enum_values(self, schema)

    def param_pattern(self, path: str, name: str) -> str | None:
        """The ``pattern`` each value of a parameter must match (of its items for arrays)."""
        schema = self.param_schema(path, name)
        if schema.get("type") == "array":
            schema = self.deref(schema.get("items", {}))
        return schema.get("pattern")

    def oauth_scopes(self, path: str, method: str = "get") -> list[str] | None:
        """Scopes of the user OAuth flow (``pinterest_oauth2``) the operation requires."""
        op = self.operation(path, method) or {}
        security = op.get("security", self.data.get("security", []))
        for alternative in security:
            if "pinterest_oauth2" in alternative:
                return list(alternative["pinterest_oauth2"])
        return None

    def response_schema(self, path: str, method: str = "get") -> dict[str, Any] | None:
        op = self.operation(path, method) or {}
        resp = self.deref(op.get("responses", {}).get("200") or op.get("responses", {}).get("201") or {})
        content = resp.get("content", {}).get("application/json", {})
        schema = content.get("schema")
        return self.deref(schema) if schema is not None else None

    # -- schemas ------------------------------------------------------------

    def alternatives(self, schema: Any) -> Iterator[dict[str, Any]]:
        """The concrete variants of a schema: oneOf/anyOf branches, allOf merged."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return
        for key in ("oneOf", "anyOf"):
            if key in schema:
                for branch in schema[key]:
                    yield from self.alternatives(branch)
                return
        if "allOf" in schema:
            yield self.merge_all_of(schema)
            return
        yield schema

    def merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        props: dict[str, list[Any]] = {}
        items: list[Any] = []
        for part in schema["allOf"]:
            for variant in self.alternatives(part):
                for k, v in variant.items():
                    if k == "properties":
                        for pk, pv in v.items():
                            props.setdefault(pk, []).append(pv)
                    elif k == "items":
                        items.append(v)
                    elif k not in merged:
                        merged[k] = v
        for pk, pv in merged.get("properties", {}).items():
            props.setdefault(pk, []).append(pv)
        merged["properties"] = {k: (v[0] if len(v) == 1 else {"allOf": v}) for k, v in props.items()}
        if items:
            merged["items"] = items[0] if len(items) == 1 else {"allOf": items}
        return merged

    def child(self, schema: Any, key: str) -> list[Any] | str:
        """Schemas of ``schema[key]`` over all variants; UNTYPED for open objects; [] if absent."""
        found: list[Any] = []
        open_object = False
        for variant in self.alternatives(schema):
            props = variant.get("properties")
            if props and key in props:
                found.append(props[key])
                continue
            extra = variant.get("additionalProperties")
            if isinstance(extra, dict):
                found.append(extra)
            elif extra is True or (not props and variant.get("type", "object") == "object"):
                open_object = True
        if not found and open_object:
            return UNTYPED
        return found

    def map_value_schema(self, schema: Any) -> Any:
        """Value schema of a map-shaped object (its ``additionalProperties``), or {}."""
        for variant in self.alternatives(schema):
            extra = variant.get("additionalProperties")
            if isinstance(extra, dict):
                return extra
        return {}

    def lookup(self, schema: Any, dotted: str) -> list[Any] | str:
        """Schemas at a dotted path below ``schema``; UNTYPED if the spec cannot tell."""
        current: list[Any] = [schema]
        for part in dotted.split("."):
            nxt: list[Any] = []
            for s in current:
                res = self.child(s, part)
                if res == UNTYPED:
                    return UNTYPED
                nxt.extend(res)
            if not nxt:
                return []
            current = nxt
        return current

    def json_types(self, schema: Any) -> set[tuple[str, str | None]]:
        """{(type, format)} a schema allows, over all variants. Untyped -> ("any", None)."""
        out: set[tuple[str, str | None]] = set()
        for variant in self.alternatives(schema):
            t = variant.get("type")
            if t is None:
                if "properties" in variant or "additionalProperties" in variant:
                    t = "object"
                elif "items" in variant:
                    t = "array"
                elif "enum" in variant:
                    t = "string"
                else:
                    t = "any"
            out.add((t, variant.get("format")))
        return out

    def items_schema(self, schema: Any) -> Any:
        """Item schema of an array schema (first typed variant)."""
        for variant in self.alternatives(schema):
            if "items" in variant:
                return variant["items"]
        return {}


def _enum_values(spec: Spec, schema: Any) -> list[Any]:
    out: list[Any] = []
    for variant in spec.alternatives(schema):
        for v in variant.get("enum", []):
            if v not in out:
                out.append(v)
    return out
