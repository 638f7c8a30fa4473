import Foundation
import XCTest

/// examples/ci: each file validates against the schema its CI system publishes, and the
/// gavel commands in it run, as written, on a checkout with a policy change: they make the
/// files they promise and exit as the jobs expect.
extension CLITests {
    private func validateCI(_ args: [String]) throws -> (code: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = [CLITests.repo + "/scripts/validate-ci.py"] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("python3 is missing: bash scripts/setup.sh --integration") }
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 2 { throw XCTSkip("the CI schema or validator is missing: bash scripts/setup.sh --integration (\(e))") }
        return (p.terminationStatus, o, e)
    }

    private static let examples = [("github-workflow", "examples/ci/github/gavel.yml"), ("gitlab-ci", "examples/ci/gitlab/gitlab-ci.yml")]

    func testCIExamplesValidateAgainstTheirPublishedSchemas() throws {
        for (kind, file) in Self.examples {
            let r = try validateCI([kind, CLITests.repo + "/" + file, CLITests.repo + "/.build/schemas"])
            XCTAssertEqual(r.code, 0, "\(file): \(r.err)")
        }
        // Not a rubber stamp: a misspelt key is caught in each.
        let dir = tempDir()
        for (kind, file, from, to) in [
            ("github-workflow", "examples/ci/github/gavel.yml", "runs-on:", "run-on:"),
            ("gitlab-ci", "examples/ci/gitlab/gitlab-ci.yml", "  script:", "  scripts:"),
        ] {
            let bad = dir + "/bad-" + kind + ".yml"
            try String(contentsOfFile: CLITests.repo + "/" + file, encoding: .utf8).replacingOccurrences(of: from, with: to)
                .write(toFile: bad, atomically: true, encoding: .utf8)
            XCTAssertEqual(try validateCI([kind, bad, CLITests.repo + "/.build/schemas"]).code, 1, kind)
        }
    }

    func testCIExamplesCommandsRunAsWritten() throws {
        // What each step or job should end with on a branch whose policy change fails a
        // check that passed (the diff gate) over the shipped samples (which fail high rules).
        let expected: [String: Int32] = [
            "policy-change/gavel check": 0, "policy-change/gavel test": 0, "policy-change/gavel diff": 1,
            "nightly/gavel eval": 0, "nightly/Gate on high and critical failures": 1,
            "nightly-shard/gavel eval (one shard)": 0, "nightly-merge/gavel merge": 0, "nightly-merge/Gate on high and critical failures": 1,
            "policy-check-and-test/script": 0, "policy-diff/script": 1, "nightly-eval/script": 1,
        ]
        var seen: Set<String> = []
        for (kind, file) in Self.examples {
            let listed = try validateCI(["steps", kind, CLITests.repo + "/" + file])
            let steps = try JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as! [[String: Any]]
            let repo = try policyRepo()
            let summary = repo + "/step-summary.md"
            for step in steps {
                let key = (step["job"] as! String) + "/" + (step["step"] as! String)
                seen.insert(key)
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/bash")
                p.arguments = ["-e", "-c", step["script"] as! String]
                p.currentDirectoryURL = URL(fileURLWithPath: repo)
                var env = ProcessInfo.processInfo.environment
                env["PATH"] = gavelBinary.deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
                env["NO_COLOR"] = "1"
                env["BASE_REF"] = "main"  // from ${{ github.base_ref }}
                env["GITHUB_STEP_SUMMARY"] = summary
                env["CI_MERGE_REQUEST_TARGET_BRANCH_NAME"] = "main"
                for (k, v) in step["env"] as? [String: String] ?? [:] { env[k] = v }
                p.environment = env
                p.standardOutput = FileHandle.nullDevice
                let err = Pipe()
                p.standardError = err
                try p.run()
                let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                XCTAssertEqual(p.terminationStatus, expected[key], "\(file) \(key): \(e)")
            }
            let made =
                kind == "github-workflow"
                ? [
                    "policy-tests.junit.xml", "diff.md", "diff.junit.xml", "results.json", "gavel.sarif", "step-summary.md", "shard-1.json", "shard-4.json",
                    "merged-results.json",
                ]
                : ["policy-tests.junit.xml", "diff.md", "diff.junit.xml", "results.json", "results.junit.xml"]
            for f in made { XCTAssertTrue(FileManager.default.fileExists(atPath: repo + "/" + f), "\(file) makes \(f)") }
            let diff = try String(contentsOfFile: repo + "/diff.md", encoding: .utf8)
            XCTAssertTrue(diff.hasPrefix("**gavel diff** `origin/main:Policies` → `Policies`"), diff)
            XCTAssertTrue(diff.contains("| **newly failing** (regression) | medium | `PHP-SESS-004` | `pharmacy-c.example.com` |"), diff)
        }
        XCTAssertEqual(seen, Set(expected.keys), "every gavel step of the examples is run, and only those")
    }
}
