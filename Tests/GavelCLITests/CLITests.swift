import Foundation
import XCTest

/// Runs the real `gavel` binary, as a user or a CI job would.
final class CLITests: XCTestCase {
    static let repo = ProgramRunner.repo

    typealias Run = ProgramRunner.Run

    var gavelBinary: URL { ProgramRunner.gavelBinary }

    func gavel(_ args: [String], stdin: String? = nil, env extra: [String: String] = [:], cwd: String? = nil) throws -> Run {
        try ProgramRunner.gavel(args, stdin: stdin, env: extra, cwd: cwd)
    }

    func tempDir() -> String {
        let d = NSTemporaryDirectory() + "gavel-cli-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func testEvalOnShippedLibraryFailsWithExitOne() throws {
        let r = try gavel(["eval"])
        XCTAssertEqual(r.code, 1, r.err)
        XCTAssertTrue(r.out.contains("FAIL  high     PHP-SESS-001  clinic-b.example.com"), r.out)
        XCTAssertTrue(r.out.contains("at /etc/php/7.4/fpm/php.ini:16"), "provenance from the collected sample")
        XCTAssertFalse(r.out.contains("\u{1B}["), "no colour when not a terminal")
    }

    func testFailOnThresholdGates() throws {
        XCTAssertEqual(try gavel(["eval", "--fail-on", "critical"]).code, 1, "clinic-b exposes MariaDB publicly (critical)")
        // pharmacy-c's worst verdicts are high: a critical threshold lets it through.
        XCTAssertEqual(try gavel(["eval", "--snapshots", "Snapshots/pharmacy-c.example.com", "--fail-on", "critical"]).code, 0)
        XCTAssertEqual(try gavel(["eval", "--snapshots", "Snapshots/pharmacy-c.example.com", "--fail-on", "high"]).code, 1)
        XCTAssertEqual(try gavel(["eval", "--fail-on", "none"]).code, 0)
        XCTAssertEqual(try gavel(["eval", "--fail-on", "high"]).code, 1)
        XCTAssertEqual(try gavel(["eval", "--fail-on", "severe"]).code, 2, "usage errors exit 2")
        XCTAssertTrue(try gavel(["eval", "--fail-on", "hgh"]).err.contains("(got 'hgh'); did you mean 'high'?"))
        XCTAssertEqual(try gavel(["eval", "--jobs", "0"]).code, 2)
        XCTAssertEqual(try gavel(["frobnicate"]).code, 2)
    }

    func testJSONOutputIsWrittenAtomicallyAndParses() throws {
        let dir = tempDir()
        let out = dir + "/results.json"
        let r = try gavel(["eval", "--format", "json", "--output", out, "--fail-on", "none"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out, "")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        XCTAssertEqual(doc["gavel"] as? String, "results/v1")
        let results = doc["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, 636, "159 rules x 4 assets")
        let failing = results.first { $0["rule"] as? String == "NGX-TLS-001" && $0["verdict"] as? String == "fail" }!
        let ev = (failing["evidence"] as! [[String: Any]]).first!
        XCTAssertEqual(ev["source"] as? String, "/etc/nginx/nginx.conf:5", "inherited from the http block, where it is written")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["results.json"])
        // The summary counts what `results` lists: verdicts, and failures by severity.
        let summary = doc["summary"] as! [String: Any]
        var verdicts: [String: Int] = [:], bySeverity: [String: Int] = [:]
        for r in results {
            verdicts[r["verdict"] as! String, default: 0] += 1
            if r["verdict"] as? String == "fail" { bySeverity[r["severity"] as! String, default: 0] += 1 }
        }
        XCTAssertEqual(summary["verdicts"] as? [String: Int], ["pass": 91, "fail": 62, "error": 3, "not_applicable": 480, "waived": 0])
        XCTAssertEqual((summary["verdicts"] as! [String: Int]).filter { $0.value > 0 }, verdicts)
        let failingBySeverity = (summary["failing_by_severity"] as! [String: Int]).filter { $0.value > 0 }
        XCTAssertEqual(failingBySeverity, bySeverity)
        XCTAssertEqual(failingBySeverity.values.reduce(0, +), 62)
        XCTAssertGreaterThan(failingBySeverity.count, 2, "the samples fail at several severities")
    }

    func testCheckReportsErrorsWithPositionAndExitTwo() throws {
        let dir = tempDir()
        try "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.a, equal: 1 }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try gavel(["check", dir])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("p.yaml:7:27: error[unknown-operator]: unknown operator 'equal'; did you mean 'equals'?"), r.err)
        let ok = try gavel(["check", "Policies"])
        XCTAssertEqual(ok.code, 0, ok.err)
        XCTAssertTrue(ok.out.contains("159 rules"), ok.out)
    }

    /// Warnings are printed with their position and ID, counted in the summary, and leave
    /// the exit code at 0: the policy compiles.
    func testCheckPrintsWarningsAndStillPasses() throws {
        let dir = tempDir()
        try
            "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - id: R\n    title: t\n    severity: low\n    check: { path: php.sapi, in: [] }\n    remediation: { summary: x }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let r = try gavel(["check", dir])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue((r.out + r.err).contains("p.yaml:8:34: warning[empty-operand]: 'in: []' lists nothing"), r.out + r.err)
        XCTAssertTrue(r.out.contains("no errors (1 warning)"), r.out)
    }

    /// check and test take the folder as an argument, or with --policies as eval spells it;
    /// both at once is a usage error rather than one silently winning.
    func testCheckAndTestAlsoTakePoliciesAsAnOption() throws {
        let dir = tempDir()
        try "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - id: R\n    severity: low\n    check: { path: php.a, equal: 1 }\n"
            .write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let bad = try gavel(["check", "--policies", dir])
        XCTAssertEqual(bad.code, 2)
        XCTAssertTrue(bad.err.contains("error[unknown-operator]"), bad.err)
        let tested = try gavel(["test", "--policies", "Policies"])
        XCTAssertEqual(tested.code, 0, tested.err)
        XCTAssertTrue(tested.out.contains("0 failed"), tested.out)
        let both = try gavel(["check", "Policies", "--policies", dir])
        XCTAssertEqual(both.code, 2)
        XCTAssertTrue(both.err.contains("give the policy folder once"), both.err)
    }

    func testTheSameSnapshotsGivenTwiceIsAUsageError() throws {
        let r = try gavel(["eval", "--snapshots", "Snapshots", "--snapshots", "./Snapshots/"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--snapshots ./Snapshots/ is given twice"), r.err)
    }

    /// An output never replaces an input nor lands where the command reads inputs from, and
    /// the input is left as it was.
    func testOutputsNeverReplaceInputs() throws {
        let snaps = tempDir()
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Snapshots/clinic-a.example.com", toPath: snaps + "/clinic-a.example.com")
        let snapshot = snaps + "/clinic-a.example.com/php.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        var r = try gavel(["eval", "--snapshots", snaps, "-o", snapshot])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--output \(snapshot) is inside \(snaps), which this command reads"), r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: snapshot)), before)
        r = try gavel(["eval", "--snapshots", snaps, "--format", "json", "-o", snaps + "/results.json"])
        XCTAssertEqual(r.code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: snaps + "/results.json"))

        let out = tempDir()
        r = try gavel(["eval", "--snapshots", snaps, "--format", "json", "-o", out + "/results.json"])
        XCTAssertEqual(r.code, 1, r.err)
        let results = try Data(contentsOf: URL(fileURLWithPath: out + "/results.json"))
        r = try gavel(["report", out + "/results.json", "--format", "markdown", "-o", out + "/results.json"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("is an input of this command"), r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/results.json")), results)

        r = try gavel(["check", "--format", "sarif", "-o", "Policies/check.json"])
        XCTAssertEqual(r.code, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: CLITests.repo + "/Policies/check.json"))

        // An output that cannot be written is refused before the evaluation, not after it.
        r = try gavel(["eval", "--snapshots", snaps, "-o", out])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.err.contains("--output \(out) is a folder"), r.err)
        XCTAssertFalse(r.out.contains("gavel eval:"), "nothing evaluated")
    }

    func testNothingEvaluatedIsAnError() throws {
        let empty = tempDir()
        let r = try gavel(["eval", "--snapshots", empty])
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("no snapshots"), r.err)
        // Policies for php only, a snapshot of another kind: every rule is not applicable.
        let policies = tempDir()
        try "gavel: controls/v1\nframework: t\ntitle: T\ncontrols:\n  - { id: C1, title: One }\n"
            .write(toFile: policies + "/controls.yaml", atomically: true, encoding: .utf8)
        try
            "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - id: R\n    title: R\n    severity: low\n    controls: [t:C1]\n    check: { path: php.sapi, exists: true }\n    remediation: { summary: x }\n"
            .write(toFile: policies + "/p.yaml", atomically: true, encoding: .utf8)
        let onlyShopify = #"{"gavel":"snapshot/v1","asset":"s","kind":"shopify","data":{}}"#
        let r2 = try gavel(["eval", "--policies", policies, "--snapshots", "-"], stdin: onlyShopify + "\n")
        XCTAssertEqual(r2.code, 3)
        XCTAssertTrue(r2.err.contains("nothing was evaluated"), r2.err)
    }

    func testBadSnapshotIsExitThreeWithPosition() throws {
        let r = try gavel(["eval", "--snapshots", "-"], stdin: "{\"gavel\": \"snapshot/v1\",\n \"asset\": 1,}\n")
        XCTAssertEqual(r.code, 3)
        XCTAssertTrue(r.err.contains("<stdin>:1:"), r.err)
    }

    func testJSONLinesFromStdin() throws {
        let php = #"{"gavel":"snapshot/v1","asset":"x.example","kind":"php","data":{"sapi":"fpm-fcgi","version":"8.3.0","ini":{"session.cookie_secure":"On"}}}"#
        let r = try gavel(["eval", "--snapshots", "-", "--fail-on", "none"], stdin: php + "\n")
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertTrue(r.out.contains("1 asset, 159 rules"), r.out)
    }

    func testTestAndCoverage() throws {
        let r = try gavel(["test", "Policies", "--require-coverage"])
        XCTAssertEqual(r.code, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("0 failed"))
        let dir = tempDir()
        try FileManager.default.copyItem(atPath: CLITests.repo + "/Policies/controls", toPath: dir + "/controls")
        try """
        gavel: policy/v1
        id: p
        kind: php
        rules:
          - { id: R, severity: low, controls: [soc2:CC6.1], check: { path: php.version, equals: "8.2" } }
        tests:
          - { name: wrong expectation, asset: { php: { version: "8.2" } }, expect: { R: fail } }
        """.write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let bad = try gavel(["test", dir])
        XCTAssertEqual(bad.code, 1)
        XCTAssertTrue(bad.out.contains("R expected fail, got pass"), bad.out)
        XCTAssertTrue(bad.out.contains("R: no test makes it pass, no test makes it fail"), bad.out)
    }

    func testExplain() throws {
        let r = try gavel(["explain", "NGX-TLS-001"])
        XCTAssertEqual(r.code, 0)
        XCTAssertTrue(r.out.contains("every element of nginx.servers[*]"), r.out)
        XCTAssertTrue(r.out.contains("hipaa:164.312(e)(2)(ii): Encryption"), r.out)
        XCTAssertTrue(
            r.out.contains(
                "  machine fix (gavel fix writes it as a proven patch):\n    - set ssl_protocols TLSv1.2 TLSv1.3; for each failing nginx block, on the line that sets it, else at the top of the block\n"
            ), r.out)
        let typo = try gavel(["explain", "NGX-TLS-01"])
        XCTAssertEqual(typo.code, 2)
        XCTAssertTrue(typo.err.contains("did you mean 'NGX-TLS-001'?") || typo.err.contains("did you mean 'NGX-TLS-002'?"), typo.err)
    }

    /// Every command's help has an example, and each example line fits the 80 columns help
    /// is laid out in: a longer one is wrapped, and a copied command then breaks.
    func testHelpHasExamplesThatAreNotWrapped() throws {
        // Every command there is: the lists in `gavel --help` and its groups' --help.
        var commands: [[String]] = []
        func subcommands(_ path: [String]) throws -> [String] {
            let help = try gavel(path + ["--help"]).out
            guard let start = help.range(of: "SUBCOMMANDS:") else { return [] }
            return help[start.upperBound...].split(separator: "\n").compactMap { line in
                guard line.hasPrefix("  "), !line.hasPrefix("        "), let word = line.split(separator: " ").first else { return nil }
                return String(word)
            }.filter { $0 != "help" && $0 != "See" }
        }
        for top in try subcommands([]) {
            let subs = try subcommands([top])
            if subs.isEmpty { commands.append([top]) } else { commands += subs.map { [top, $0] } }
        }
        XCTAssertTrue(commands.contains(["collect", "fleet"]) && commands.contains(["history", "verify"]) && commands.contains(["schema"]), "\(commands)")
        XCTAssertGreaterThanOrEqual(commands.count, 25)
        for cmd in commands {
            let name = cmd.joined(separator: " ")
            let r = try gavel(cmd + ["--help"])
            XCTAssertEqual(r.code, 0)
            let lines = r.out.components(separatedBy: "\n")
            guard let start = lines.firstIndex(where: { $0.hasPrefix("Example") }) else { XCTFail("\(name) has no example"); continue }
            let example = lines[(start + 1)...].prefix { !$0.isEmpty && !$0.hasPrefix("USAGE") }
            XCTAssertFalse(example.isEmpty, name)
            for line in example { XCTAssertTrue(line.hasPrefix("  "), "\(name): example line wrapped: \(line)") }
        }
    }
}
