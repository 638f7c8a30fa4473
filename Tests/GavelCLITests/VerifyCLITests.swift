import Foundation
import XCTest

/// `gavel verify`: an edited results document, an edited snapshot or a removed policy file
/// is detected and named.
extension CLITests {
    func testVerifyDetectsEditsToTheDocumentAndToTheFilesItRead() throws {
        let dir = tempDir()
        for sub in ["Policies", "Snapshots"] { try FileManager.default.copyItem(atPath: CLITests.repo + "/" + sub, toPath: dir + "/" + sub) }
        XCTAssertEqual(try gavel(["eval", "--format", "json", "-o", "results.json", "--fail-on", "none"], cwd: dir).code, 0)
        var r = try gavel(["verify", "results.json"], cwd: dir)
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("ok        document results.json"), r.out)
        XCTAssertTrue(r.out.contains("ok        policy Policies/php/session.yaml"), r.out)

        // One verdict edited by hand: the document's digest no longer matches.
        let original = try String(contentsOfFile: dir + "/results.json", encoding: .utf8)
        let edited = original.replacingOccurrences(
            of: #""verdict":"fail""#, with: #""verdict":"pass""#, options: [], range: original.range(of: #""verdict":"fail""#))
        XCTAssertNotEqual(edited, original)
        try edited.write(toFile: dir + "/results.json", atomically: true, encoding: .utf8)
        r = try gavel(["verify", "results.json"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.out.contains("CHANGED   document results.json"), r.out)
        XCTAssertTrue(r.out.contains("1 of "), r.out)

        // The document restored; a snapshot edited and a policy file removed.
        try original.write(toFile: dir + "/results.json", atomically: true, encoding: .utf8)
        let snap = dir + "/Snapshots/clinic-a.example.com/php.json"
        try (try String(contentsOfFile: snap, encoding: .utf8) + " ").write(toFile: snap, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: dir + "/Policies/php/session.yaml")
        r = try gavel(["verify", "results.json"], cwd: dir)
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.out.contains("ok        document results.json"), r.out)
        XCTAssertTrue(r.out.contains("CHANGED   snapshot Snapshots/clinic-a.example.com/php.json: SHA-256 is now"), r.out)
        XCTAssertTrue(r.out.contains("MISSING   policy Policies/php/session.yaml"), r.out)
        XCTAssertTrue(r.out.contains("2 of "), r.out)

        try "{\"gavel\": \"baseline/v1\"}".write(toFile: dir + "/other.json", atomically: true, encoding: .utf8)
        r = try gavel(["verify", "other.json"], cwd: dir)
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("is not a gavel results/v1 document"), r.err)
    }

    /// A missing input, with nothing else changed, is enough to fail verification.
    func testVerifyFailsOnAMissingSnapshotAlone() throws {
        let dir = tempDir()
        for sub in ["Policies", "Snapshots"] { try FileManager.default.copyItem(atPath: CLITests.repo + "/" + sub, toPath: dir + "/" + sub) }
        XCTAssertEqual(try gavel(["eval", "--format", "json", "-o", "results.json", "--fail-on", "none"], cwd: dir).code, 0)
        try FileManager.default.removeItem(atPath: dir + "/Snapshots/clinic-a.example.com/nginx.json")
        let r = try gavel(["verify", "results.json"], cwd: dir)
        XCTAssertEqual(r.code, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("MISSING   snapshot Snapshots/clinic-a.example.com/nginx.json"), r.out)
        XCTAssertTrue(r.out.contains("1 of "), r.out)
    }
}
