import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// Kinds no collector makes: any `[a-z][a-z0-9_-]*` name, with the schema the policy set
/// declares in schemas/KIND.schema.json, or none.
final class CustomKindTests: XCTestCase {
    let redisSchema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "title": "redis.conf as collect file --format keyvalue reads it",
          "type": "object",
          "properties": {
            "protected-mode": { "enum": ["yes", "no"] },
            "port": { "type": "string", "pattern": "^[0-9]+$" },
            "rename-command": { "type": "array", "items": { "type": "string" } },
            "requirepass": { "anyOf": [{ "type": "string" }, { "$ref": "#/$defs/secret" }] },
            "acl": { "type": ["object", "null"], "properties": { "users": { "type": "array", "items": { "$ref": "#/$defs/user" } } },
                     "additionalProperties": false }
          },
          "additionalProperties": false,
          "$defs": {
            "secret": { "type": "object", "properties": { "set": { "type": "boolean" }, "length": { "type": "integer" } } },
            "user": { "type": "object", "properties": { "name": { "type": "string" }, "on": { "type": "boolean" } }, "required": ["name"], "additionalProperties": false }
          }
        }
        """

    func rule(_ check: String, kind: String = "redis") -> String { policy(check, kind: kind) }

    func testAPolicyOnAKindOfItsOwnEvaluates() throws {
        let out = compile(["p.yaml": rule("{ path: redis.protected-mode, equals: \"yes\" }")])
        let program = try XCTUnwrap(out.program, "\(out.diagnostics)")
        XCTAssertEqual(program.rules[0].kindNames, ["redis"])
        let pass = RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: .object([("redis", .object([("protected-mode", "yes")]))])))
        XCTAssertEqual(pass.verdict, .pass)
        let fail = RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: .object([("redis", .object([("protected-mode", "no")]))])))
        XCTAssertEqual(fail.verdict, .fail)
        XCTAssertEqual(fail.evidence.first?.path, "redis.protected-mode")
        XCTAssertEqual(fail.evidence.first?.kind, "redis")
        let other = RuleEvaluator.evaluate(program.rules[0], on: AssetView(name: "a", merged: .object([("php", .object([Value.Member]()))])))
        XCTAssertEqual(other.verdict, .notApplicable, "an asset without redis data")
    }

    func testAUserSchemaCatchesAMisspeltField() {
        let files = ["p.yaml": rule("{ path: redis.protectd-mode, equals: \"yes\" }"), "schemas/redis.schema.json": redisSchema]
        let e = errors(files)
        XCTAssertEqual(e, ["12:21 unknown-field"], "\(compile(files).diagnostics)")
        XCTAssertTrue(compile(files).errors[0].message.contains("did you mean 'protected-mode'?"), "\(compile(files).errors)")
        // Through arrays, $refs and optional objects as the built-in kinds' schemas do.
        XCTAssertEqual(errors(["p.yaml": rule("{ path: redis.port.x, exists: true }"), "schemas/redis.schema.json": redisSchema]), ["12:26 path-type"])
        XCTAssertEqual(
            errors(["p.yaml": rule("{ path: \"redis.acl.users[0].nme\", exists: true }"), "schemas/redis.schema.json": redisSchema]), ["12:35 unknown-field"])
        XCTAssertTrue(
            compile(["p.yaml": rule("{ path: \"redis.acl.users[0].nme\", exists: true }"), "schemas/redis.schema.json": redisSchema]).errors[0].message
                .contains("has no field 'nme'; did you mean 'name'?"))
        XCTAssertEqual(
            errors(["p.yaml": rule("{ path: redis.requirepass.set, equals: true }"), "schemas/redis.schema.json": redisSchema]), [],
            "a secret record's fields are readable where the schema allows one")
        XCTAssertEqual(errors(["p.yaml": rule("{ path: \"redis.acl.users[0].on\", equals: true }"), "schemas/redis.schema.json": redisSchema]), [])
        // Without a schema, any path is fine.
        XCTAssertEqual(errors(["p.yaml": rule("{ path: redis.protectd-mode, equals: \"yes\" }")]), [])
    }

    func testABadSchemaIsLocated() {
        let bad = """
            {
              "type": "object",
              "properties": {
                "port": { "type": "strng" },
                "bind": { "allOf": [{ "type": "string" }] },
                "x": { "$ref": "https://example.com/other.json" }
              }
            }
            """
        let out = compile(["p.yaml": rule("{ path: redis.port, exists: true }"), "schemas/redis.schema.json": bad])
        XCTAssertNil(out.program)
        let found = out.errors.map { "\($0.location.map { "\(PathNames.lastComponent(of: $0.file)):\($0.line):\($0.column)" } ?? "") \($0.id) \($0.message)" }
        XCTAssertTrue(found.contains { $0.hasPrefix("redis.schema.json:4:23 bad-schema 'type' is one of object") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("redis.schema.json:5:15 bad-schema 'allOf' is not in the subset") }, "\(found)")
        XCTAssertTrue(found.contains { $0.hasPrefix("redis.schema.json:6:20 bad-schema '$ref' must name a schema of this file's $defs") }, "\(found)")
        XCTAssertEqual(
            errors(["p.yaml": rule("{ path: redis.port, exists: true }"), "schemas/redis.schema.json": "{ \"type\": "]).first?.hasSuffix("yaml-syntax"), true)
        XCTAssertTrue(
            compile(["p.yaml": policy("{ path: php.x, exists: true }", kind: "php"), "schemas/php.schema.json": "{}"]).errors.map(\.id).contains("bad-schema"),
            "a built-in kind's schema is its collector's")
        XCTAssertEqual(compile(["p.yaml": rule("{ path: redis.x, exists: true }"), "schemas/Redis.schema.json": "{}"]).errors.map(\.id), ["bad-schema"])
    }

    func testKindNames() {
        XCTAssertEqual(errors(["p.yaml": rule("{ path: Redis.port, exists: true }", kind: "Redis")]), ["3:7 unknown-kind", "12:15 unknown-kind"])
        XCTAssertEqual(
            compile(["p.yaml": rule("{ path: Redis.port, exists: true }", kind: "Redis")]).errors.first?.message
                .contains("which is not a kind name"), true)
        // A likely typo of a kind with a schema is a warning with "did you mean", not an error.
        let out = compile(["p.yaml": policy("{ path: phpp.ini.x, exists: true }", kind: "phpp")])
        XCTAssertNotNil(out.program)
        let warning = out.diagnostics.first { $0.id == "unknown-kind" }
        XCTAssertEqual(warning?.level, .warning)
        XCTAssertTrue(warning?.message.contains("kind 'phpp' has no schema and no collector makes it; did you mean 'php'?") ?? false, "\(out.diagnostics)")
        XCTAssertFalse(compile(["p.yaml": rule("{ path: redis.port, exists: true }")]).diagnostics.contains { $0.id == "unknown-kind" }, "redis is no typo")
    }

    func testPolicyTestsUseAnyKind() throws {
        let yaml =
            rule("{ path: redis.protected-mode, equals: \"yes\" }") + """

                tests:
                  - name: protected
                    asset: { redis: { protected-mode: "yes" } }
                    expect: { R1: pass }
                  - name: open
                    asset: { redis: { protected-mode: "no" } }
                    expect: { R1: fail }
                  - name: unknown
                    asset: { redis: {} }
                    unavailable: { redis: { /protected-mode: "CONFIG GET was refused" } }
                    expect: { R1: error }
                """
        let out = compile(["p.yaml": yaml])
        let program = try XCTUnwrap(out.program, "\(out.diagnostics)")
        let report = TestRunner.run(program)
        XCTAssertEqual(report.checks, 3)
        XCTAssertTrue(report.failures.isEmpty, "\(report.failures.map { "\($0.test.name): \($0.observed.verdict)" })")
    }

    /// A snapshot of a kind of its own loads, and is evaluated with its provenance.
    func testASnapshotOfAnyKindIsEvaluatedWithProvenance() throws {
        let out = compile(["p.yaml": rule("{ path: redis.protected-mode, equals: \"yes\" }")])
        let program = try XCTUnwrap(out.program)
        let text =
            #"{"gavel":"snapshot/v1","asset":"cache-1","kind":"redis","data":{"protected-mode":"no"},"provenance":{"/protected-mode":"/etc/redis/redis.conf:111"}}"#
        let snap = try Array(text.utf8).withUnsafeBytes { try LoadedSnapshot.parse($0, source: "redis.json").get() }
        let asset = try LoadedAsset.merge([snap]).get()
        let o = RuleEvaluator.evaluate(program.rules[0], on: asset.view)
        XCTAssertEqual(o.verdict, .fail)
        XCTAssertEqual(o.evidence.first?.provenance, "/etc/redis/redis.conf:111")
        // A kind nothing names is recorded with the asset and read by no rule.
        let other = #"{"gavel":"snapshot/v1","asset":"cache-1","kind":"never-named-by-any-policy","data":{}}"#
        let snap2 = try Array(other.utf8).withUnsafeBytes { try LoadedSnapshot.parse($0, source: "x.json").get() }
        let both = try LoadedAsset.merge([snap, snap2]).get()
        XCTAssertEqual(both.snapshots.map(\.kind), ["never-named-by-any-policy", "redis"])
        XCTAssertNil(SnapshotKinds.index(of: "never-named-by-any-policy"))
        // A kind that is not a kind name is a bad snapshot.
        let bad = #"{"gavel":"snapshot/v1","asset":"a","kind":"Redis Server","data":{}}"#
        guard case .failure(let e) = Array(bad.utf8).withUnsafeBytes({ LoadedSnapshot.parse($0, source: "b.json") }) else { return XCTFail() }
        XCTAssertEqual(e.id, "bad-snapshot")
        XCTAssertTrue(e.message.contains("is not a kind name"), e.message)
    }
}
