#!/usr/bin/env python3
"""A loopback stand-in for the Shopify GraphQL Admin API, for Gavel's collector tests.

It speaks the same protocol as a real store: POST /admin/api/VERSION/graphql.json with the
token in X-Shopify-Access-Token; a GraphQL document is parsed, validated against a small
schema (fields that do not exist in the served API version are errors), executed over the
store in --store (JSON), with cursor pagination (first/after, nodes, pageInfo), a
calculated query cost and a leaky bucket reported in extensions.cost.throttleStatus
(THROTTLED when the bucket is short), ACCESS_DENIED with partial data for fields the token's
scopes do not cover, X-Shopify-API-Version (an unsupported version falls forward to the
oldest supported one), and faults on demand: HTTP 429 with Retry-After, 5xx, a reset
connection, or a response that never comes.

Usage: server.py --store store.json --port-file F [--port N] [--log F] [--token TOKEN=scope,scope ...]
                 [--plan plus|basic] [--bucket 1000] [--restore 100] [--faults 429,503,reset,hang]
                 [--always 503]
Only the standard library is used; the server listens on 127.0.0.1 only.
"""
import argparse
import base64
import json
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SUPPORTED = ["2026-01", "2026-04", "2026-07", "2026-10"]
KNOWN = ["2024-10", "2025-01", "2025-04", "2025-07", "2025-10"] + SUPPORTED + ["2027-01", "unstable"]


def vkey(v):
    return (9999, 12) if v == "unstable" else tuple(int(x) for x in v.split("-"))


# Type -> field -> (type, minimum API version or None). Types in [] are lists; S is a scalar.
SCHEMA = {
    "QueryRoot": {"shop": ("Shop", None), "publicApiVersions": ("[ApiVersion]", None),
                  "currentAppInstallation": ("AppInstallation", None),
                  "staffMembers": ("StaffMemberConnection", None),
                  "appInstallations": ("AppInstallationConnection", None),
                  "webhookSubscriptions": ("WebhookSubscriptionConnection", None),
                  "carrierServices": ("DeliveryCarrierServiceConnection", None),
                  "privacySettings": ("PrivacySettings", "2025-04")},
    "Shop": {"id": ("S", None), "name": ("S", None), "myshopifyDomain": ("S", None), "plan": ("ShopPlan", None),
             "primaryDomain": ("Domain", None), "customerAccountsV2": ("CustomerAccountsV2", None),
             "storefrontAccessTokens": ("StorefrontAccessTokenConnection", None)},
    "ShopPlan": {"displayName": ("S", None), "publicDisplayName": ("S", "2025-07"), "shopifyPlus": ("S", None),
                 "partnerDevelopment": ("S", None)},
    "Domain": {"host": ("S", None), "sslEnabled": ("S", None), "url": ("S", None)},
    "CustomerAccountsV2": {"customerAccountsVersion": ("S", None), "loginRequiredAtCheckout": ("S", None),
                           "loginLinksVisibleOnStorefrontAndCheckout": ("S", None), "url": ("S", None)},
    "ApiVersion": {"handle": ("S", None), "supported": ("S", None), "displayName": ("S", None)},
    "AppInstallation": {"id": ("S", None), "app": ("App", None), "accessScopes": ("[AccessScope]", None)},
    "App": {"id": ("S", None), "title": ("S", None), "handle": ("S", None)},
    "AccessScope": {"handle": ("S", None), "description": ("S", None)},
    "StaffMember": {"id": ("S", None), "accountType": ("S", None), "active": ("S", None), "isShopOwner": ("S", None),
                    "exists": ("S", None), "name": ("S", None), "email": ("S", None), "firstName": ("S", None),
                    "lastName": ("S", None)},
    "WebhookSubscription": {"id": ("S", None), "topic": ("S", None), "format": ("S", None), "createdAt": ("S", None),
                            "uri": ("S", "2025-10"), "callbackUrl": ("S", None), "apiVersion": ("ApiVersion", None)},
    "StorefrontAccessToken": {"id": ("S", None), "title": ("S", None), "createdAt": ("S", None),
                              "accessToken": ("S", None), "accessScopes": ("[AccessScope]", None)},
    "DeliveryCarrierService": {"id": ("S", None), "name": ("S", None), "active": ("S", None), "callbackUrl": ("S", None)},
    "PrivacySettings": {"banner": ("CookieBanner", None), "dataSaleOptOutPage": ("DataSaleOptOutPage", None),
                        "privacyPolicy": ("PrivacyPolicy", None)},
    "CookieBanner": {"enabled": ("S", None), "autoManaged": ("S", None)},
    "DataSaleOptOutPage": {"autoManaged": ("S", None)},
    "PrivacyPolicy": {"autoManaged": ("S", None), "url": ("S", None)},
    "PageInfo": {"hasNextPage": ("S", None), "endCursor": ("S", None), "hasPreviousPage": ("S", None),
                 "startCursor": ("S", None)},
}
for node in ["StaffMember", "AppInstallation", "WebhookSubscription", "StorefrontAccessToken", "DeliveryCarrierService"]:
    SCHEMA[node + "Connection"] = {"nodes": ("[%s]" % node, None), "pageInfo": ("PageInfo", None)}

# Fields that need a scope: (type, field) -> (scope, needs a Plus/Advanced plan).
GUARDED = {("QueryRoot", "staffMembers"): ("read_users", True), ("QueryRoot", "appInstallations"): ("read_apps", False),
           ("QueryRoot", "carrierServices"): ("read_shipping", False),
           ("QueryRoot", "privacySettings"): ("read_privacy_settings", False)}


class GraphQLError(Exception):
    pass


# ---- a GraphQL subset: one operation, fields, aliases, arguments, variables --------------

def tokenize(text):
    out, i, n, line, col0 = [], 0, len(text), 1, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line, col0, i = line + 1, i + 1, i + 1
        elif c in " \t\r,":
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c == ".":
            raise GraphQLError("fragments are not supported by this test server")
        elif c in "{}():!$[]=@":
            out.append((c, c, line, i - col0 + 1))
            i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(("str", json.loads(text[i:j + 1]), line, i - col0 + 1))
            i = j + 1
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(("name", text[i:j], line, i - col0 + 1))
            i = j
        elif c.isdigit() or c == "-":
            j = i + 1
            while j < n and text[j].isdigit():
                j += 1
            out.append(("int", int(text[i:j]), line, i - col0 + 1))
            i = j
        else:
            raise GraphQLError("Parse error on \"%s\" (%d:%d)" % (c, line, i - col0 + 1))
    return out


class Parser:
    def __init__(self, text):
        self.t, self.i = tokenize(text), 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else ("eof", None, 0, 0)

    def take(self, kind=None):
        tok = self.peek()
        if kind and tok[0] != kind:
            raise GraphQLError("Parse error on \"%s\" (%d:%d), expected %s" % (tok[1], tok[2], tok[3], kind))
        self.i += 1
        return tok

    def document(self):
        if self.peek()[0] == "name" and self.peek()[1] == "query":
            self.take()
            if self.peek()[0] == "name":
                self.take()
            if self.peek()[0] == "(":
                depth = 0
                while True:
                    k = self.take()[0]
                    depth += k == "("
                    depth -= k == ")"
                    if depth == 0:
                        break
        sel = self.selection_set()
        if self.peek()[0] != "eof":
            raise GraphQLError("only one operation per document")
        return sel

    def selection_set(self):
        self.take("{")
        fields = []
        while self.peek()[0] != "}":
            _, name, line, col = self.take("name")
            alias = name
            if self.peek()[0] == ":":
                self.take()
                name = self.take("name")[1]
            args = {}
            if self.peek()[0] == "(":
                self.take()
                while self.peek()[0] != ")":
                    key = self.take("name")[1]
                    self.take(":")
                    args[key] = self.value()
                self.take(")")
            sub = self.selection_set() if self.peek()[0] == "{" else None
            fields.append({"alias": alias, "name": name, "args": args, "sel": sub, "loc": {"line": line, "column": col}})
        self.take("}")
        return fields

    def value(self):
        tok = self.take()
        if tok[0] == "$":
            return ("var", self.take("name")[1])
        if tok[0] in ("int", "str"):
            return ("lit", tok[1])
        if tok[0] == "name":
            return ("lit", {"true": True, "false": False, "null": None}.get(tok[1], tok[1]))
        raise GraphQLError("Parse error on \"%s\" (%d:%d)" % (tok[1], tok[2], tok[3]))


# ---- validation, cost and execution ---------------------------------------------------------

def field_type(type_name, field, version, path):
    spec = SCHEMA[type_name].get(field["name"])
    if spec is None or (spec[1] and vkey(version) < vkey(spec[1])):
        raise GraphQLError(json.dumps({"message": "Field '%s' doesn't exist on type '%s'" % (field["name"], type_name),
                                       "locations": [field["loc"]], "path": path + [field["alias"]],
                                       "extensions": {"code": "undefinedField", "typeName": type_name,
                                                      "fieldName": field["name"]}}))
    return spec[0]


def validate(type_name, sel, version, path):
    """Checks every field against the schema and returns the query's calculated cost."""
    cost = 0
    for f in sel:
        t = field_type(type_name, f, version, path)
        inner = t.strip("[]")
        if inner == "S":
            if f["sel"]:
                raise GraphQLError("Field '%s' is a scalar and has no selections" % f["name"])
            continue
        if not f["sel"]:
            raise GraphQLError("Field '%s' of type '%s' must have a selection of subfields" % (f["name"], inner))
        child = validate(inner, f["sel"], version, path + [f["alias"]])
        if inner.endswith("Connection"):
            first = f["args"].get("first", ("lit", 0))
            cost += 2 + (first[1] if first[0] == "lit" and isinstance(first[1], int) else 10) * (1 + child)
        else:
            cost += 1 + child
    return cost


class Context:
    def __init__(self, variables, scopes, plus, version):
        self.variables, self.scopes, self.plus, self.version, self.errors = variables, scopes, plus, version, []

    def arg(self, f, key, default=None):
        v = f["args"].get(key)
        if v is None:
            return default
        return self.variables.get(v[1], default) if v[0] == "var" else v[1]


def execute(type_name, obj, sel, ctx, path):
    out = {}
    for f in sel:
        t = SCHEMA[type_name][f["name"]][0]
        here = path + [f["alias"]]
        guard = GUARDED.get((type_name, f["name"]))
        if guard and (guard[0] not in ctx.scopes or (guard[1] and not ctx.plus)):
            need = "`%s` access scope." % guard[0]
            if guard[1]:
                need += " Also: The app must be a finance embedded app or installed on a Shopify Plus or Advanced store."
            ctx.errors.append({"message": "Access denied for %s field. Required access: %s" % (f["name"], need),
                               "locations": [f["loc"]], "path": here,
                               "extensions": {"code": "ACCESS_DENIED", "documentation": "https://shopify.dev/api/usage/access-scopes",
                                              "requiredAccess": need}})
            out[f["alias"]] = None
            continue
        value = obj.get(f["name"]) if isinstance(obj, dict) else None
        inner = t.strip("[]")
        if inner == "S":
            if isinstance(value, dict) and "$error" in value:
                # A field that fails inside a row: null plus an error naming its path, as Shopify does.
                ctx.errors.append({"message": value["$error"], "locations": [f["loc"]], "path": here})
                value = None
            out[f["alias"]] = value
        elif inner.endswith("Connection"):
            items = value or []
            if f["name"] == "appInstallations":
                # Private (custom) apps are only listed when asked for with privacy: PRIVATE.
                privacy = ctx.arg(f, "privacy", "PUBLIC") or "PUBLIC"
                items = [x for x in items if x.get("privacy", "PUBLIC") == privacy]
            out[f["alias"]] = connection(inner, items, f, ctx, here)
        elif t.startswith("["):
            out[f["alias"]] = [execute(inner, v, f["sel"], ctx, here + [i]) for i, v in enumerate(value or [])]
        else:
            out[f["alias"]] = None if value is None else execute(inner, value, f["sel"], ctx, here)
    return out


def connection(type_name, items, f, ctx, path):
    first = ctx.arg(f, "first")
    if not isinstance(first, int) or first < 1 or first > 250:
        raise GraphQLError("you must provide `first` between 1 and 250 for the %s connection" % f["name"])
    after = ctx.arg(f, "after")
    start = int(base64.b64decode(after).decode().split(":")[1]) + 1 if after else 0
    page = items[start:start + first]
    node_type = SCHEMA[type_name]["nodes"][0].strip("[]")
    result = {}
    for sub in f["sel"]:
        if sub["name"] == "nodes":
            result[sub["alias"]] = [execute(node_type, v, sub["sel"], ctx, path + [sub["alias"], i]) for i, v in enumerate(page)]
        else:
            end = start + len(page) - 1
            info = {"hasNextPage": start + first < len(items), "hasPreviousPage": start > 0,
                    "endCursor": base64.b64encode(("cursor:%d" % end).encode()).decode() if page else None,
                    "startCursor": base64.b64encode(("cursor:%d" % start).encode()).decode() if page else None}
            result[sub["alias"]] = {s["alias"]: info[s["name"]] for s in sub["sel"]}
    return result


# ---- HTTP ------------------------------------------------------------------------------------

class State:
    def __init__(self, args):
        with open(args.store) as fh:
            self.store = json.load(fh)
        self.tokens = {}
        for spec in args.token:
            tok, _, scopes = spec.partition("=")
            self.tokens[tok] = set(s for s in scopes.split(",") if s)
        self.plus = args.plan == "plus"
        self.maximum, self.restore = float(args.bucket), float(args.restore)
        self.available, self.stamp = self.maximum, time.monotonic()
        self.faults = [f for f in args.faults.split(",") if f]
        self.always = args.always
        self.lock = threading.Lock()
        self.log = open(args.log, "a") if args.log else None

    def note(self, **entry):
        entry["t"] = time.time()
        if self.log:
            with self.lock:
                self.log.write(json.dumps(entry) + "\n")
                self.log.flush()

    def next_fault(self):
        with self.lock:
            if self.always:
                return self.always
            return self.faults.pop(0) if self.faults else None

    def spend(self, cost):
        """Leaky bucket: refill, then spend `cost` if it is there. Returns (ok, status)."""
        with self.lock:
            now = time.monotonic()
            self.available = min(self.maximum, self.available + (now - self.stamp) * self.restore)
            self.stamp = now
            ok = cost <= self.available
            if ok:
                self.available -= cost
            return ok, {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available, 1),
                        "restoreRate": self.restore}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state = None

    def log_message(self, *a):
        pass

    def reply(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply(405, {"errors": "Use POST"})

    def do_POST(self):
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        parts = self.path.split("/")
        if len(parts) != 5 or parts[1:3] != ["admin", "api"] or parts[4] != "graphql.json" or parts[3] not in KNOWN:
            st.note(status=404, path=self.path)
            return self.reply(404, {"errors": "Not Found"})
        requested = parts[3]
        served = requested if requested in SUPPORTED or requested in ("2027-01", "unstable") else SUPPORTED[0]
        try:
            body = json.loads(raw)
            operation = body["query"].split("{")[0].replace("query", "").strip().split("(")[0].strip() or "anonymous"
        except Exception:
            st.note(status=400)
            return self.reply(400, {"errors": {"query": "Required parameter missing or invalid"}})
        token = self.headers.get("X-Shopify-Access-Token")
        if token not in st.tokens:
            st.note(operation=operation, status=401)
            return self.reply(401, {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"})
        fault = st.next_fault()
        if fault:
            st.note(operation=operation, fault=fault)
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if fault == "hang":
                time.sleep(120)
                return
            if fault == "429":
                return self.reply(429, {"errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."},
                                  [("Retry-After", "1.0")])
            return self.reply(int(fault), {"errors": "Internal Server Error"})
        headers = [("X-Shopify-API-Version", served)]
        try:
            sel = Parser(body["query"]).document()
            cost = validate("QueryRoot", sel, served, [])
        except GraphQLError as e:
            text = str(e)
            err = json.loads(text) if text.startswith("{") else {"message": text}
            st.note(operation=operation, status=200, error="invalid")
            return self.reply(200, {"errors": [err]}, headers)
        if cost > st.maximum:
            st.note(operation=operation, status=200, error="MAX_COST_EXCEEDED", cost=cost)
            return self.reply(200, {"errors": [{"message": "Query cost is %d, which exceeds the single query max cost limit (%d)." % (cost, st.maximum),
                                                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": st.maximum}}]}, headers)
        ok, status = st.spend(cost)
        if not ok:
            st.note(operation=operation, status=200, error="THROTTLED", cost=cost)
            return self.reply(200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                                    "extensions": {"cost": {"requestedQueryCost": cost, "actualQueryCost": None, "throttleStatus": status}}}, headers)
        ctx = Context(body.get("variables") or {}, st.tokens[token], st.plus, served)
        try:
            data = execute("QueryRoot", st.store, sel, ctx, [])
        except GraphQLError as e:
            st.note(operation=operation, status=200, error="execution")
            return self.reply(200, {"errors": [{"message": str(e)}]}, headers)
        out = {"data": data, "extensions": {"cost": {"requestedQueryCost": cost, "actualQueryCost": cost, "throttleStatus": status}}}
        if ctx.errors:
            out = {"errors": ctx.errors, **out}
        st.note(operation=operation, status=200, cost=cost, variables=body.get("variables") or {},
                denied=[e["path"][-1] for e in ctx.errors])
        self.reply(200, out, headers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0, help="default: any free port")
    ap.add_argument("--log")
    ap.add_argument("--token", action="append", default=[])
    ap.add_argument("--plan", choices=["plus", "basic"], default="plus")
    ap.add_argument("--bucket", default="1000")
    ap.add_argument("--restore", default="100")
    ap.add_argument("--faults", default="")
    ap.add_argument("--always")
    args = ap.parse_args()
    Handler.state = State(args)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(str(server.server_address[1]))
    import os
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
