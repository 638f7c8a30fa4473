import Foundation
import XCTest

/// `gavel eval --baseline / --write-baseline`: known failures leave the report and the exit
/// code; a failure whose evidence changed is new; errors are never suppressed.
extension CLITests {
    private func copySample(_ asset: String, to dir: String) throws {
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Snapshots/\(asset)", toPath: dir + "/\(asset)")
    }

    private func results(_ path: String) throws -> (entries: [[String: Any]], summary: [String: Any]) {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (doc["results"] as! [[String: Any]], doc["summary"] as! [String: Any])
    }

    func testBaselineSuppressesKnownFailuresOnly() throws {
        let dir = tempDir()
        let snaps = dir + "/snapshots"
        try FileManager.default.createDirectory(atPath: snaps, withIntermediateDirectories: true)
        try copySample("clinic-b.example.com", to: snaps)
        let base = dir + "/baseline.json"
        let first = try gavel(["eval", "--snapshots", snaps, "--write-baseline", base, "--fail-on", "none"])
        XCTAssertEqual(first.code, 0, first.err)
        let baseline = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base))) as! [String: Any]
        XCTAssertEqual(baseline["gavel"] as? String, "baseline/v1")
        let known = (baseline["failures"] as! [[String: Any]]).count
        XCTAssertGreaterThan(known, 10)

        // Same snapshots: every failure is known; the errors still count.
        let again = try gavel(["eval", "--snapshots", snaps, "--baseline", base, "--format", "json", "-o", dir + "/r1.json"])
        let (r1, s1) = try results(dir + "/r1.json")
        XCTAssertEqual((s1["baseline"] as? [String: Any])?["suppressed"] as? Int, known)
        let errors = r1.filter { $0["verdict"] as? String == "error" }
        XCTAssertFalse(errors.isEmpty, "clinic-b has an undecidable rule")
        XCTAssertTrue(errors.allSatisfy { $0["baselined"] == nil }, "a baseline never hides an error")
        XCTAssertEqual(again.code, 1, "the error still fails the run")
        let text = try gavel(["eval", "--snapshots", snaps, "--baseline", base])
        XCTAssertTrue(text.out.contains("\(known) known failures suppressed by the baseline"), text.out)
        XCTAssertFalse(text.out.split(separator: "\n").contains { $0.hasPrefix("FAIL ") }, "no known failure is listed (controls keep their verdicts)")

        // A changed value is a new failure, even for a rule that failed before.
        let php = snaps + "/clinic-b.example.com/php.json"
        try (try String(contentsOfFile: php, encoding: .utf8)).replacingOccurrences(of: "\"expose_php\": \"1\"", with: "\"expose_php\": \"On\"")
            .write(toFile: php, atomically: true, encoding: .utf8)
        _ = try gavel(["eval", "--snapshots", snaps, "--baseline", base, "--format", "json", "-o", dir + "/r2.json"])
        let (r2, s2) = try results(dir + "/r2.json")
        let reported = r2.filter { $0["verdict"] as? String == "fail" && $0["baselined"] == nil }.map { $0["rule"] as! String }
        XCTAssertEqual(reported, ["PHP-EXPOSE-001"])
        XCTAssertEqual((s2["baseline"] as? [String: Any])?["suppressed"] as? Int, known - 1)
        let onlyNew = try gavel(["eval", "--snapshots", snaps, "--baseline", base, "--fail-on", "critical"])
        XCTAssertEqual(onlyNew.code, 0, "the one new failure is not critical: \(onlyNew.out)")

        // A results document works as a baseline too.
        let asResults = try gavel(["eval", "--snapshots", snaps, "--baseline", dir + "/r1.json", "--format", "json", "-o", dir + "/r3.json"])
        XCTAssertNotEqual(asResults.code, 3, asResults.err)
        XCTAssertEqual(
            try results(dir + "/r3.json").entries.filter { $0["verdict"] as? String == "fail" && $0["baselined"] == nil }.map { $0["rule"] as! String },
            ["PHP-EXPOSE-001"])
    }

    func testBadBaselineIsAnInputError() throws {
        let dir = tempDir()
        try "{\"gavel\": \"something/v9\"}".write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        let r = try gavel(["eval", "--baseline", dir + "/b.json"])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("error[bad-baseline]"), r.err)
        let missing = try gavel(["eval", "--baseline", dir + "/none.json"])
        XCTAssertEqual(missing.code, 3)
    }
}
