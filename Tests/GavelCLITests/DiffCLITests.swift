import Foundation
import XCTest

/// `gavel diff` on a real git checkout: a branch that changes a policy, diffed against the
/// base revision, must list exactly the verdicts that change and gate as documented,
/// without touching the working tree.
extension CLITests {
    @discardableResult
    func git(_ args: [String], in dir: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-c", "user.name=Gavel Tests", "-c", "user.email=tests@gavel.invalid", "-c", "init.defaultBranch=main"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "git", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "git \(args.joined(separator: " ")) failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A clone of a repository with the shipped Policies/ and Snapshots/ on `main` (so
    /// `origin/main` exists too), checked out on a branch `shorter-sessions` that lowers the
    /// session lifetime limit from 1800 to 1500 seconds and raises PHP-SESS-003 to high.
    func policyRepo() throws -> String {
        let top = tempDir()
        let upstream = top + "/upstream", dir = top + "/repo"
        try FileManager.default.createDirectory(atPath: upstream, withIntermediateDirectories: true)
        for sub in ["Policies", "Snapshots"] { try FileManager.default.copyItem(atPath: CLITests.repo + "/" + sub, toPath: upstream + "/" + sub) }
        try git(["init", "-q"], in: upstream)
        try git(["add", "."], in: upstream)
        try git(["commit", "-q", "-m", "policies"], in: upstream)
        try git(["clone", "-q", upstream, dir], in: top)
        try git(["checkout", "-q", "-b", "shorter-sessions"], in: dir)
        let file = dir + "/Policies/php/session.yaml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("max_session_seconds: 1800"))
        text = text.replacingOccurrences(of: "max_session_seconds: 1800", with: "max_session_seconds: 1500")
        let r = text.range(of: "  - id: PHP-SESS-003")!
        let sev = text.range(of: "severity: medium", range: r.upperBound..<text.endIndex)!
        text.replaceSubrange(sev, with: "severity: high")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try git(["commit", "-q", "-am", "HIPAA: log off after 25 minutes"], in: dir)
        return dir
    }

    func testDiffAgainstAGitRevisionListsExactlyTheChangedVerdicts() throws {
        let repo = try policyRepo()
        let statusBefore = try git(["status", "--porcelain", "--ignored"], in: repo)
        let r = try gavel(["diff", "--base", "main", "--format", "json"], cwd: repo)
        XCTAssertEqual(r.code, 1, "pharmacy-c passed PHP-SESS-004 at 1800 s and fails at 1500 s: a regression\n\(r.err)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
        let base = doc["base"] as! [String: Any]
        XCTAssertEqual(base["policies"] as? String, "main:Policies")
        XCTAssertEqual(base["commit"] as? String, try git(["rev-parse", "main"], in: repo).trimmingCharacters(in: .whitespacesAndNewlines))
        let verdicts = (doc["verdicts"] as! [[String: Any]]).map { "\($0["rule"]!) \($0["asset"]!) \($0["base"]!) -> \($0["head"]!)" }
        XCTAssertEqual(verdicts, ["PHP-SESS-004 pharmacy-c.example.com pass -> fail"])
        let rules = (doc["rules"] as! [[String: Any]])
        XCTAssertEqual(rules.map { $0["rule"] as! String }, ["PHP-SESS-003"])
        XCTAssertEqual((rules[0]["changes"] as! [[String: Any]]).first?["to"] as? String, "high")
        let controls = (doc["controls"] as! [[String: Any]]).map { "\($0["framework"]!):\($0["control"]!)" }
        XCTAssertEqual(
            Set(controls), ["soc2:CC6.1", "iso27001-2022:A.8.5", "iso27001-2013:A.9.4.2", "hipaa:164.312(a)(2)(iii)", "pci-dss-4.0:8.2"],
            "the controls PHP-SESS-004 maps to")
        XCTAssertEqual(try git(["status", "--porcelain", "--ignored"], in: repo), statusBefore, "the working tree is untouched")

        // The base read from git is the very policy set main has: same digest as eval there.
        try git(["checkout", "-q", "main"], in: repo)
        let eval = try gavel(["eval", "--format", "json"], cwd: repo)
        let run = (try JSONSerialization.jsonObject(with: Data(eval.out.utf8)) as! [String: Any])["run"] as! [String: Any]
        XCTAssertEqual(run["policy_digest"] as? String, base["policy_digest"] as? String)
    }

    func testDiffGatesAsDocumented() throws {
        let repo = try policyRepo()
        XCTAssertEqual(try gavel(["diff", "--base", "main", "--gate", "none"], cwd: repo).code, 0)
        XCTAssertEqual(try gavel(["diff", "--base", "main", "--fail-on", "high"], cwd: repo).code, 0, "the regression is medium")
        XCTAssertEqual(
            try gavel(["diff", "--base", "main", "--gate", "changes", "--fail-on", "high"], cwd: repo).code, 1,
            "PHP-SESS-003 changed to high")
        // --fail-on means the same in diff as in eval: none is accepted, and nothing trips the gate.
        let none = try gavel(["diff", "--base", "main", "--gate", "changes", "--fail-on", "none", "--format", "json"], cwd: repo)
        XCTAssertEqual(none.code, 0, none.err)
        XCTAssertTrue(none.out.contains("\"fail_on\":\"none\"") || none.out.contains("\"fail_on\": \"none\""), none.out)
        let same = try gavel(["diff", "--base", "shorter-sessions", "--gate", "changes"], cwd: repo)
        XCTAssertEqual(same.code, 0, same.out + same.err)
        XCTAssertTrue(same.out.contains("no verdict, control or rule changes (636 rule and asset pairs compared)"), same.out)
        let text = try gavel(["diff", "--base", "main"], cwd: repo)
        XCTAssertEqual(text.code, 1)
        XCTAssertTrue(text.out.contains("PHP-SESS-004  pharmacy-c.example.com  pass -> fail REGRESSION"), text.out)
        XCTAssertTrue(text.err.contains("1 change trip") || text.err.contains("changes trip"), text.err)
    }

    func testDiffWritesMarkdownAndValidJUnit() throws {
        let repo = try policyRepo()
        let r = try gavel(["diff", "--base", "main", "--format", "markdown", "-o", "diff.md"], cwd: repo)
        XCTAssertEqual(r.code, 1)
        let md = try String(contentsOfFile: repo + "/diff.md", encoding: .utf8)
        XCTAssertTrue(
            md.hasPrefix("**gavel diff** `main:Policies` → `Policies` over 4 assets: 1 newly failing (1 regression), 5 controls changed, 1 rule changed."), md)
        let junit = repo + "/diff.junit.xml"
        XCTAssertEqual(try gavel(["diff", "--base", "main", "--format", "junit", "-o", junit], cwd: repo).code, 1)
        let v = try requireValidator("junit", junit)
        XCTAssertEqual(v.code, 0, v.err)
    }

    func testDiffBadInputsAreClearErrors() throws {
        let repo = try policyRepo()
        var r = try gavel(["diff", "--base", "no-such-branch"], cwd: repo)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("'no-such-branch' is neither an existing policy folder nor a git revision"), r.err)
        r = try gavel(["diff", "--base", "main:NoPolicies"], cwd: repo)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("'NoPolicies' is not a folder at main"), r.err)
        // A broken base names its files as they are in git, not in a temporary folder.
        try "gavel: policy/v1\nid: broken\nrules: [\n".write(toFile: repo + "/Policies/broken.yaml", atomically: true, encoding: .utf8)
        try git(["add", "."], in: repo)
        try git(["commit", "-q", "-m", "broken"], in: repo)
        try git(["checkout", "-q", "-b", "fixed"], in: repo)
        try git(["rm", "-q", "Policies/broken.yaml"], in: repo)
        try git(["commit", "-q", "-m", "fixed"], in: repo)
        r = try gavel(["diff", "--base", "shorter-sessions"], cwd: repo)
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("shorter-sessions:Policies/broken.yaml:"), r.err)
        XCTAssertTrue(r.err.contains("in the base policy set shorter-sessions:Policies"), r.err)
        XCTAssertFalse(r.err.contains("gavel-base-"), "no temporary path leaks into messages")
        r = try gavel(["diff", "--base", "main", "--snapshots", repo + "/nowhere"], cwd: repo)
        XCTAssertEqual(r.code, 3, r.err)
    }
}
