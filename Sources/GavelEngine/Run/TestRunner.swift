import GavelCore

/// Runs a policy set's tests (`gavel: test/v1`, docs/LANGUAGE.md) and measures rule coverage.
public enum TestRunner {
    public struct Failure: Sendable {
        public var test: PolicyTest
        public var rule: String
        public var expected: Verdict
        public var observed: RuleOutcome
    }

    public struct Report: Sendable {
        public var tests: Int
        /// The tests that ran, in order.
        public var testsRun: [PolicyTest] = []
        public var checks: Int
        public var failures: [Failure]
        /// Rules with no test that makes them pass / fail (as expected and observed).
        public var lackingPass: [String]
        public var lackingFail: [String]
        public var hasCoverageGap: Bool { !lackingPass.isEmpty || !lackingFail.isEmpty }
    }

    public static func run(_ program: Program) -> Report {
        var failures: [Failure] = []
        var passed: Set<String> = []
        var failed: Set<String> = []
        var checks = 0
        for test in program.tests {
            let asset = AssetView(name: "test: \(test.name)", merged: test.asset, unavailable: test.unavailable)
            for (ruleID, expected) in test.expect {
                guard let rule = program.rule(ruleID) else { continue }
                checks += 1
                let outcome = RuleEvaluator.evaluate(rule, on: asset)
                if outcome.verdict == expected {
                    if expected == .pass { passed.insert(ruleID) }
                    if expected == .fail { failed.insert(ruleID) }
                } else {
                    failures.append(Failure(test: test, rule: ruleID, expected: expected, observed: outcome))
                }
            }
        }
        let ids = program.rules.map(\.id)
        return Report(
            tests: program.tests.count, testsRun: program.tests, checks: checks, failures: failures,
            lackingPass: ids.filter { !passed.contains($0) }, lackingFail: ids.filter { !failed.contains($0) })
    }
}
