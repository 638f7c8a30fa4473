import Foundation
import GavelCore
import XCTest

@testable import GavelEngine

/// Each file under Diagnostics/ is a malformed policy whose header lists the errors it must
/// produce as `# expect: LINE:COL ID`. The set of errors must match exactly.
final class DiagnosticsGoldenTests: XCTestCase {
    func testGoldenDiagnostics() throws {
        let root = Bundle.module.resourcePath! + "/Diagnostics"
        let files = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for name in files {
            let text = try String(contentsOfFile: root + "/" + name, encoding: .utf8)
            let expected = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst("# expect: ".count)) }
            XCTAssertFalse(expected.isEmpty, "\(name) has no expectations")
            let got = errors([name: text]).sorted()
            XCTAssertEqual(got, expected.sorted(), name)
        }
    }

    /// The messages too: each file's diagnostics, errors and warnings, as `LINE:COL level[ID]:
    /// message` with their notes, are pinned in `NAME.expected` beside it
    /// (`GAVEL_UPDATE_GOLDEN=1 swift test --filter DiagnosticsGoldenTests` rewrites them after
    /// a wording change is meant).
    func testGoldenMessages() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Diagnostics"
        let update = ProcessInfo.processInfo.environment["GAVEL_UPDATE_GOLDEN"] != nil
        for name in try FileManager.default.contentsOfDirectory(atPath: source).filter({ $0.hasSuffix(".yaml") }).sorted() {
            let text = try String(contentsOfFile: source + "/" + name, encoding: .utf8)
            let out = compile([name: text], catalog: true)
            let mine = out.diagnostics.filter { $0.location?.file.hasSuffix("/" + name) ?? false }
            // The folder the test wrote the file into, as the messages may name it.
            let folder = mine.first.flatMap { $0.location.map { String($0.file.dropLast(name.count)) } } ?? "\u{0}"
            let lines = mine.map { d -> String in
                let at = d.location.map { "\($0.line):\($0.column)" } ?? "-"
                let text = (["\(at) \(d.level.rawValue)[\(d.id)]: \(d.message)"] + d.notes.map { "    note: " + $0.description }).joined(separator: "\n")
                return text.replacingOccurrences(of: folder, with: "POLICIES/")
            }
            let rendered = lines.joined(separator: "\n") + "\n"
            let golden = source + "/" + name.replacingOccurrences(of: ".yaml", with: ".expected")
            if update { try rendered.write(toFile: golden, atomically: true, encoding: .utf8); continue }
            let expected = try String(contentsOfFile: golden, encoding: .utf8)
            XCTAssertEqual(rendered, expected, "\(name): the messages changed; if meant, regenerate with GAVEL_UPDATE_GOLDEN=1")
        }
    }

    func testRenderedDiagnosticHasFileLineColumnIDAndCaret() {
        let out = compile(["bad.yaml": "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.a, equal: 1 }\n"])
        // Both of the leaf's errors: 'php' has no field 'a', and the operator is misspelt.
        XCTAssertEqual(out.errors.map(\.id), ["unknown-field", "unknown-operator"])
        let d = out.errors.last!
        let rendered = out.renderer.render(d)
        XCTAssertTrue(
            rendered.hasSuffix(
                "/bad.yaml:7:27: error[unknown-operator]: unknown operator 'equal'; did you mean 'equals'?\n  |\n7 |     check: { path: php.a, equal: 1 }\n  |                           ^"
            ), rendered)
    }

    /// A leaf whose operator is wrong still has its path, 'as' and 'missing' checked.
    func testALeafWithABadOperatorStillHasItsOtherKeysChecked() {
        for op in ["equal: 1", "equals: 1, in: [1]", "frobnicate: 1"] {
            let out = compile([
                "p.yaml":
                    "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.versoin, \(op), as: itn, missing: fial }\n"
            ])
            let ids = Set(out.errors.map(\.id))
            for id in ["unknown-field", "unknown-coercion", "bad-missing"] { XCTAssertTrue(ids.contains(id), "\(op): \(out.errors.map(\.description))") }
            XCTAssertEqual(out.errors.count, 4, "\(op): \(out.errors.map(\.description))")
        }
    }

    /// `equals`/`in` without `as:` against a value the schema types otherwise can never hold
    /// (a boolean against the string yes, a number against strings). The language defines the
    /// outcome, so it is a warning with the fix, never an error; operands that fit stay quiet.
    /// A literal empty list makes `in`, `not_in`, `superset_of` and `disjoint_from` come out
    /// the same on every value; a parameter may be empty on purpose, and `subset_of: []`
    /// (the list must be empty) is a real requirement.
    func testAnEmptyListOperandIsAWarningUnlessItIsAParameterOrSubsetOf() {
        let text = """
            gavel: policy/v1
            id: d.empty
            kind: php
            params:
              banned: []
            rules:
              - id: E-1
                title: empty lists
                severity: low
                check:
                  all:
                    - { path: php.sapi, in: [] }
                    - { path: php.sapi, not_in: [] }
                    - { path: php.extensions, superset_of: [] }
                    - { path: php.extensions, disjoint_from: [] }
                    - { path: php.extensions, subset_of: [] }
                    - { path: php.sapi, not_in: { param: banned } }
                    - { path: php.sapi, in: [fpm-fcgi] }
            """
        let out = compile(["p.yaml": text])
        XCTAssertEqual(out.errors.map(\.description), [])
        XCTAssertNotNil(out.program)
        let warnings = out.diagnostics.filter { $0.id == "empty-operand" }
        XCTAssertEqual(warnings.map { "\($0.location!.line):\($0.location!.column)" }, ["12:33", "13:37", "14:48", "15:50"])
        XCTAssertTrue(warnings.allSatisfy { $0.level == .warning })
        XCTAssertTrue(warnings[0].message.hasPrefix("'in: []' lists nothing") && warnings[0].message.contains("never holds"), warnings[0].message)
        XCTAssertTrue(warnings[1].message.contains("always holds"), warnings[1].message)
        XCTAssertTrue(warnings[0].notes.contains { $0.message.contains("'exists'") }, "\(warnings[0].notes)")
    }

    func testAnOperandThatCanNeverEqualTheSchemaTypeIsAWarning() {
        let text = """
            gavel: policy/v1
            id: d.operand-type
            kind: [nginx, php, hosting]
            rules:
              - id: OT-1
                title: a boolean compared with the string yes
                severity: low
                check:
                  every:
                    path: nginx.servers[*]
                    check: { path: .ssl, equals: yes }
              - id: OT-2
                title: a number compared with strings only
                severity: low
                check: { path: "nginx.servers[0].listen[0].port", in: ["443", "8443"] }
              - id: OT-3
                title: a string never equal to a number, negated (always passes)
                severity: low
                check: { path: php.version, not_equals: 8 }
              - id: OT-4
                title: fine - null fits an optional value, a mixed list has one that fits, as bool converts
                severity: low
                check:
                  all:
                    - { path: php.version, equals: null }
                    - { path: "nginx.servers[0].listen[0].port", in: ["443", 443] }
                    - { path: "nginx.servers[0].ssl", as: bool, equals: true }
                    - { path: "nginx.servers[0].ssl", equals: false }
            """
        let out = compile(["p.yaml": text])
        XCTAssertEqual(out.errors.map(\.description), [])
        XCTAssertNotNil(out.program)
        let warnings = out.diagnostics.filter { $0.id == "operand-type" }
        XCTAssertEqual(warnings.map { "\($0.location!.line):\($0.location!.column)" }, ["11:38", "15:59", "19:45"])
        XCTAssertTrue(warnings.allSatisfy { $0.level == .warning })
        XCTAssertTrue(warnings[0].notes.contains { $0.message.contains("yes, no, on and off are strings") }, "\(warnings[0].notes)")
        XCTAssertTrue(warnings[0].message.contains("never holds"), warnings[0].message)
        XCTAssertTrue(warnings[2].message.contains("always holds"), warnings[2].message)
        XCTAssertTrue(warnings[1].message.contains(#"none of ["443","8443"] can ever equal it"#), warnings[1].message)
        // A string value compared with a number can be converted; a boolean cannot become "yes".
        XCTAssertTrue(warnings[2].notes.contains { $0.message.contains("'as: int'") }, "\(warnings[2].notes)")
        XCTAssertFalse(warnings[0].notes.contains { $0.message.contains("as: ") }, "\(warnings[0].notes)")
    }

    func testEveryErrorOfTheSetIsReportedInOneRun() {
        let a = "gavel: policy/v1\nid: a\nkind: php\nrules:\n  - { id: A, severity: low, check: { path: php.version, gtt: 1 } }\n"
        let b = "gavel: policy/v1\nid: b\nkind: php\nrules:\n  - { id: B, severity: loud, check: { path: php.version, gt: 1 } }\n"
        XCTAssertEqual(compile(["a.yaml": a, "b.yaml": b]).errors.map(\.id), ["unknown-operator", "bad-severity"])
    }

    /// A quantifier's 'where' written in a test is named for what it is, not just "unknown".
    func testWhereBesideATestSaysWhereItBelongs() {
        let out = compile([
            "p.yaml":
                "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.version, exists: true, where: { path: ., exists: true } }\n"
        ])
        XCTAssertEqual(out.errors.map(\.id), ["unknown-operator"])
        XCTAssertEqual(out.errors.first?.location?.column, 47)
        XCTAssertTrue(out.errors.first?.message.contains("belongs inside every/some/count") ?? false, out.errors.first?.message ?? "")
    }

    /// A test that expects nothing could never fail.
    func testATestWithAnEmptyExpectIsAnError() {
        let policy = "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.version, exists: true }\n"
        let tests = "gavel: tests/v1\ntests:\n  - name: nothing\n    asset: { php: { version: \"8.2.7\" } }\n    expect: {}\n"
        let out = compile(["p.yaml": policy, "p.tests.yaml": tests])
        XCTAssertEqual(out.errors.map(\.id), ["empty-list"])
        XCTAssertEqual(out.errors.first?.location?.line, 5)
        XCTAssertEqual(out.errors.first?.location?.column, 13)
    }

    /// Test fixtures must lie inside the policy folder: policies arrive in pull requests, and
    /// a fixture path leading out of it (directly or through a link) would put a file of the
    /// checking machine into test output.
    func testAnAssetFileOutsideThePolicyFolderIsRefused() throws {
        let outside = writeTree(["secret.json": #"{"php": {"version": "8.2.7"}}"#])
        let policy = "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.version, exists: true }\n"
        func tests(_ file: String) -> String {
            "gavel: tests/v1\ntests:\n  - name: t\n    asset_file: \(file)\n    expect: { R: pass }\n"
        }
        let dir = writeTree([
            "controls.yaml": testCatalog, "p.yaml": policy, "fixtures/ok.json": #"{"php": {"version": "8.2.7"}}"#,
            "t.tests.yaml": tests("fixtures/ok.json"),
        ])
        XCTAssertEqual(Compiler.compile(path: dir).errors.map(\.id), [])
        let relative = "../" + (outside as NSString).lastPathComponent + "/secret.json"
        try tests(relative).write(toFile: dir + "/t.tests.yaml", atomically: true, encoding: .utf8)
        XCTAssertEqual(Compiler.compile(path: dir).errors.map(\.id), ["outside-policy-folder"])
        try FileManager.default.createSymbolicLink(atPath: dir + "/fixtures/link.json", withDestinationPath: outside + "/secret.json")
        try tests("fixtures/link.json").write(toFile: dir + "/t.tests.yaml", atomically: true, encoding: .utf8)
        let linked = Compiler.compile(path: dir).errors
        XCTAssertEqual(linked.map(\.id), ["outside-policy-folder"])
        XCTAssertEqual(linked.first?.location?.line, 4)
    }

    /// The same for a policy or dataset file that is a link out of the folder: not read, so
    /// its lines never appear in a diagnostic.
    func testAPolicyFileLinkedFromOutsideIsNotRead() throws {
        let outside = writeTree(["secret.yaml": "password: hunter2-not-a-policy\n"])
        let dir = writeTree([
            "controls.yaml": testCatalog,
            "p.yaml": "gavel: policy/v1\nid: x\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.version, exists: true }\n",
        ])
        try FileManager.default.createSymbolicLink(atPath: dir + "/evil.yaml", withDestinationPath: outside + "/secret.yaml")
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/data/feed.json", withDestinationPath: outside + "/secret.yaml")
        let out = Compiler.compile(path: dir)
        XCTAssertEqual(out.errors.map(\.id), ["outside-policy-folder", "outside-policy-folder"])
        XCTAssertFalse(out.diagnostics.map { out.renderer.render($0) }.joined().contains("hunter2"))
        // A link that stays inside the folder is read as usual.
        try FileManager.default.removeItem(atPath: dir + "/evil.yaml")
        try FileManager.default.removeItem(atPath: dir + "/data/feed.json")
        try FileManager.default.createSymbolicLink(atPath: dir + "/again.yaml", withDestinationPath: dir + "/p.yaml")
        XCTAssertEqual(Compiler.compile(path: dir).errors.map(\.id), ["duplicate-policy-id"])
    }

    /// One mistake is reported once, even where two passes of the compiler both look at it
    /// ('rules' is read for the policy header and for the rules).
    func testAMistakeIsReportedOnce() {
        let out = compile(["p.yaml": "gavel: policy/v1\nid: x\nkind: php\nrules:\n  id: R\n"])
        XCTAssertEqual(out.errors.map(\.id), ["wrong-type"])
        XCTAssertEqual(out.errors.first?.location?.line, 5)
    }

    func testNoPoliciesIsAnError() {
        XCTAssertEqual(Compiler.compile(path: writeTree(["readme.txt": "x"])).errors.map(\.id), ["no-policies"])
        XCTAssertEqual(Compiler.compile(path: "/nonexistent/gavel").errors.map(\.id), ["io-error"])
    }
}
