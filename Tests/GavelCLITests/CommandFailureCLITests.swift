import Foundation
import XCTest

/// A command that stops says why once, on standard error, as `error[ID]: message`, and exits
/// with the documented code: the IDs are the ones docs/ERRORS.md lists.
extension CLITests {
    func testCommandFailuresArePrintedOnceWithTheirIDs() throws {
        let dir = tempDir()
        let cases: [(args: [String], code: Int32, line: String)] = [
            (["explain", "PHP-INI-0001", "--policies", Self.repo + "/Policies"], 2, "error[unknown-rule]: no rule 'PHP-INI-0001' in "),
            (["history", "list", "--store", dir + "/none.sqlite"], 3, "error[no-history-store]: no history store at \(dir)/none.sqlite"),
            (["eval", "--policies", Self.repo + "/Policies", "--snapshots", dir + "/empty"], 3, "error[nothing-evaluated]: no snapshots to evaluate"),
            (["diff", "--base", "no-such-revision", "--head", Self.repo + "/Policies"], 2, "error[policy-source]: "),
        ]
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        try "not a store".write(toFile: dir + "/text.sqlite", atomically: true, encoding: .utf8)
        for c in cases {
            let r = try gavel(c.args, cwd: dir)
            XCTAssertEqual(r.code, c.code, "\(c.args): \(r.err)")
            let lines = r.err.split(separator: "\n").filter { $0.contains("error[") }
            XCTAssertEqual(lines.count, 1, "\(c.args): printed once: \(r.err)")
            XCTAssertTrue(lines.first?.contains(c.line) == true, "\(c.args): \(r.err)")
        }
        let notAStore = try gavel(["history", "list", "--store", dir + "/text.sqlite"], cwd: dir)
        XCTAssertEqual(notAStore.code, 3)
        XCTAssertTrue(notAStore.err.hasPrefix("error[not-a-history-store]: "), notAStore.err)
    }
}
